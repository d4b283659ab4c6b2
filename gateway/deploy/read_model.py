"""The deployment system's live read model as the gateway uses it, and a
deployment as a key may see it.

`DeployReads` is what the routes need of projections/deploy/read.py
(DeployReadModel, which the descriptor hands to the services): stated here
as a port, so the routes are checked against it.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.auth import ApiKey
from gateway.deploy import GATEWAY
from gateway.deploy.principal import SERVICE
from gateway.problems import Problem
from gateway.services import Services


class DeployReads(Protocol):
    """Reads return plain dicts as the API shows them; None for unknown."""

    def deployment_channel(self, deployment_id: str) -> str:
        """The pub/sub channel of a deployment's facts (JSON with "seq")."""
        ...

    async def deployment(self, deployment_id: str) -> dict[str, Any] | None:
        """With "service", "status" and "seq" (its facts so far)."""
        ...

    async def events(self, deployment_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
        """The kept facts of a deployment after `after_seq`, each with "seq"."""
        ...

    async def service(self, service: str) -> dict[str, Any] | None: ...

    async def deployments(self, service: str, limit: int = 50) -> list[dict[str, Any]]:
        """The service's latest deployments, newest first."""
        ...

    async def releases(self, service: str, limit: int = 50) -> list[dict[str, Any]]: ...

    async def release(self, release_id: str) -> dict[str, Any] | None:
        """With "service"."""
        ...


def deploy_read_model(services: Services) -> DeployReads:
    model = services.read_models.get(GATEWAY.name)
    if model is None:
        raise Problem(
            503,
            "read-model-unavailable",
            "the deployment system's read model is not running in this gateway",
            headers={"Retry-After": str(services.config.unavailable_retry_after_s)},
        )
    return model  # type: ignore[return-value]


def acts_for_service(key: ApiKey, service: str) -> bool:
    return SERVICE.operator_scope in key.scopes or service in SERVICE.granted(key)


def unknown_deployment(deployment_id: str) -> Problem:
    return Problem(
        404,
        "unknown-deployment",
        f"no deployment {deployment_id!r}",
        errors=[{"parameter": "deployment_id", "field": "deployment_id",
                 "detail": "unknown, or of a service this key does not act for"}],
    )  # fmt: skip


async def keys_deployment(
    model: DeployReads, key: ApiKey, deployment_id: str
) -> dict[str, Any] | None:
    """The deployment if `key` acts for its service; None if it is unknown or
    another service's: a key learns nothing of services it does not act for,
    not even that a deployment id exists."""
    found = await model.deployment(deployment_id)
    if found is None or not acts_for_service(key, str(found.get("service"))):
        return None
    return found
