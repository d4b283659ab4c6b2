"""The music service at the gateway: /v1/music, its scopes, its principal
(the listeners a key acts for), its read model."""

from __future__ import annotations

from gateway.domain import GatewayDomain
from gateway.music.principal import LISTENER
from gateway.operation import Operation

PREFIX = "/v1/music"


def _operations() -> list[Operation]:
    return []


GATEWAY = GatewayDomain(
    name="music",
    operations=_operations,
    scopes=("music:read", "music:write", LISTENER.operator_scope),
    principals=(LISTENER,),
)
