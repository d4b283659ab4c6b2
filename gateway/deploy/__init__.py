"""The deployment system at the gateway: /v1/deploy, its scopes, its principal
(the services a key deploys), the body limit of an uploaded artifact, its
live read model.

Whose is what, as in every domain (gateway/access.py): a key acts for the
services it names (deploy:operator for all). A route naming another service
is a 403 naming `service`; a deployment of another service is a 403 naming
`deployment_id`, as another account's order or another learner's submission
is; an id nobody issued is a 404 at once. A deployment or release id the
gateway has just issued is waited for, briefly, until the projector shows it
(gateway/deploy/issued.py), so a client never gets a 404 for the id its 202
gave it."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.deploy.principal import SERVICE
from gateway.deploy.requests import MAX_UPLOAD_BYTES
from gateway.domain import GatewayDomain
from gateway.operation import Operation
from projections.deploy.read import DeployReadModel

PREFIX = "/v1/deploy"


def _operations() -> list[Operation]:
    # Imported when the app is built: the routes import the services, and
    # those import gateway.auth, which lists every domain's scopes.
    from gateway.deploy.routes import operations

    return operations()


def _body_limits(config: GatewayConfig) -> Mapping[str, int]:
    return {PREFIX + "/releases/upload": MAX_UPLOAD_BYTES}


GATEWAY = GatewayDomain(
    name="deploy",
    operations=_operations,
    scopes=(
        "deploy:read",
        "deploy:write",
        "deploy:approve",
        "deploy:admin",
        SERVICE.operator_scope,
    ),
    principals=(SERVICE,),
    body_limits=_body_limits,
    read_model=DeployReadModel,
)
