"""What one domain brings to the gateway, declared once.

Each domain's package (`gateway/<domain>/__init__.py`) exports `GATEWAY: GatewayDomain`;
the shared machinery (routes and /openapi.json, the scopes keys may hold, the
principals keys act for, body limits, the read models the services hold)
walks `gateway_domains()` and names no domain itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from gateway.config import GatewayConfig
from gateway.operation import Operation
from gateway.principal import Principal
from infra.domains import domain_modules


def _no_limits(config: GatewayConfig) -> Mapping[str, int]:
    return {}


@dataclass(frozen=True)
class GatewayDomain:
    """Contract: building the descriptor imports nothing that imports
    gateway.auth or gateway.services (those list every domain when they are
    imported or opened); `operations` may, as it is called when the app is built."""

    name: str
    # Its HTTP operations (commands, reads, streams, batch), in route order.
    operations: Callable[[], list[Operation]]
    # The scopes a key may hold for it, its operator scopes included.
    scopes: tuple[str, ...]
    # The kinds of principal its commands and objects name (gateway/access.py).
    principals: tuple[Principal, ...] = ()
    # Request body limits by path where the default (config.max_body_bytes) is wrong.
    body_limits: Callable[[GatewayConfig], Mapping[str, int]] = field(default=_no_limits)
    # Its live read model, built once per process from the Redis client and namespace.
    read_model: Callable[[aioredis.Redis, str], object] | None = None


def gateway_domains() -> tuple[GatewayDomain, ...]:
    """Every domain's descriptor, in the order of infra.domains.DOMAINS."""
    return tuple(module.GATEWAY for module in domain_modules("gateway"))
