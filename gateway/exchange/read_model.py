"""The exchange's live read model, as the services hold it (`GatewayDomain.read_model`)."""

from __future__ import annotations

from gateway.exchange import GATEWAY
from gateway.services import Services
from projections.exchange.read import ExchangeReadModel


def exchange_read_model(services: Services) -> ExchangeReadModel:
    model = services.read_model(GATEWAY)
    assert isinstance(model, ExchangeReadModel)
    return model
