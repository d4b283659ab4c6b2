"""The deployment system at the gateway: /v1/deploy (routes land with issue 10)."""

from __future__ import annotations

from gateway.deploy.principal import SERVICE
from gateway.domain import GatewayDomain

GATEWAY = GatewayDomain(
    name="deploy",
    operations=lambda: [],
    scopes=(
        "deploy:read",
        "deploy:write",
        "deploy:approve",
        "deploy:admin",
        SERVICE.operator_scope,
    ),
    principals=(SERVICE,),
)
