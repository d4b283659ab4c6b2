"""The social news feed at the gateway: /v1/feed, its scopes, its principal
(the members a key acts for), its live read model."""

from __future__ import annotations

from gateway.domain import GatewayDomain
from gateway.feed.principal import MEMBER
from gateway.operation import Operation

PREFIX = "/v1/feed"


def _operations() -> list[Operation]:
    return []


GATEWAY = GatewayDomain(
    name="feed",
    operations=_operations,
    scopes=("feed:read", "feed:write", MEMBER.operator_scope),
    principals=(MEMBER,),
)
