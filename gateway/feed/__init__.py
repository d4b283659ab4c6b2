"""The social news feed at the gateway: /v1/feed, its scopes, its principal
(the members a key acts for), its live read model."""

from __future__ import annotations

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


GATEWAY = GatewayDomain(
    name="feed",
    operations=_operations,
    scopes=("feed:read", "feed:write", MEMBER.operator_scope),
    principals=(MEMBER,),
    read_model=FeedReadModel,
)
