"""The social news feed at the gateway: /v1/feed, its scopes, its principal
(the members a key acts for), its live read model."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.domain import GatewayDomain
from gateway.feed.principal import MEMBER
from gateway.operation import Operation
from projections.feed.read import FeedReadModel

PREFIX = "/v1/feed"


def _operations() -> list[Operation]:
    # Imported when the app is built: the routes import the services, and
    # those import gateway.auth, which lists every domain's scopes.
    from gateway.feed.routes import operations

    return operations()


def _body_limits(config: GatewayConfig) -> Mapping[str, int]:
    # The batch carries many lines (a social graph is loaded through it).
    return {PREFIX + "/batch": config.max_batch_body_bytes}


GATEWAY = GatewayDomain(
    name="feed",
    operations=_operations,
    scopes=("feed:read", "feed:write", MEMBER.operator_scope),
    principals=(MEMBER,),
    body_limits=_body_limits,
    read_model=FeedReadModel,
)
