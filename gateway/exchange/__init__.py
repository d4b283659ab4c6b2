"""The exchange at the gateway: /v1/exchange, its scopes, its principal (the
accounts a key acts for), its batch's body limit and its live read model."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.domain import GatewayDomain
from gateway.exchange.commands import ADMIN, READ, WRITE
from gateway.exchange.principal import ACCOUNT
from gateway.operation import Operation
from projections.exchange.read import ExchangeReadModel

PREFIX = "/v1/exchange"


def _operations() -> list[Operation]:
    # Imported when the app is built: the routes import the services, and
    # those import gateway.auth, which lists every domain's scopes.
    from gateway.exchange.routes import operations

    return operations()


def _body_limits(config: GatewayConfig) -> Mapping[str, int]:
    return {PREFIX + "/batch": config.max_batch_body_bytes}


GATEWAY = GatewayDomain(
    name="exchange",
    operations=_operations,
    scopes=(READ, WRITE, ADMIN, ACCOUNT.operator_scope),
    principals=(ACCOUNT,),
    body_limits=_body_limits,
    read_model=ExchangeReadModel,
)
