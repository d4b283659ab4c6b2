"""The music service at the gateway: /v1/music, its scopes, its principal
(the listeners a key acts for), its read model."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.domain import GatewayDomain
from gateway.music.principal import LISTENER
from gateway.music.read_model import MusicReadModel
from gateway.operation import Operation

PREFIX = "/v1/music"


def _operations() -> list[Operation]:
    # Imported when the app is built: the routes import the services, and
    # those import gateway.auth, which lists every domain's scopes.
    from gateway.music.routes import operations

    return operations()


def _body_limits(config: GatewayConfig) -> Mapping[str, int]:
    # 1,000 plays a request, and the catalog's many lines.
    return {PREFIX + "/plays": config.max_batch_body_bytes,
            PREFIX + "/catalog": config.max_batch_body_bytes}  # fmt: skip


GATEWAY = GatewayDomain(
    name="music",
    operations=_operations,
    scopes=(
        "music:read",
        "music:write",
        "music:catalog",
        "music:analytics",
        LISTENER.operator_scope,
    ),
    principals=(LISTENER,),
    body_limits=_body_limits,
    read_model=MusicReadModel,
)
