"""The deployment system's live read model as the gateway uses it, and a
deployment as a key may see it.

`DeployReads` is what the routes need of projections/deploy/read.py
(DeployReadModel, which the descriptor hands to the services): stated here
as a port, so the routes are checked against it.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.access import acts_for, owned
from gateway.auth import ApiKey
from gateway.deploy import GATEWAY
from gateway.deploy.issued import IssuedIds, shown_within
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


def issued_ids(services: Services) -> IssuedIds:
    return IssuedIds(services.redis, services.settings.namespace, services.config.issued_wait_s)


def unknown_deployment(deployment_id: str) -> Problem:
    return Problem(
        404,
        "unknown-deployment",
        f"no deployment {deployment_id!r}",
        errors=[{"parameter": "deployment_id", "field": "deployment_id", "detail": "unknown"}],
    )


async def keys_deployment(
    model: DeployReads, issued: IssuedIds, key: ApiKey, deployment_id: str
) -> dict[str, Any] | None:
    """The deployment if `key` acts for its service; None if it is unknown;
    a 403 naming `deployment_id` if it is another service's (the platform's
    rule for another principal's order or submission: gateway/access.py).

    An id the gateway issued lately (gateway/deploy/issued.py) that the
    projector does not show yet is waited for, up to the rest of its time;
    a key acting for another service is refused at once, without waiting.
    """
    found = await model.deployment(deployment_id)
    if found is None:
        fresh = await issued.issued("deployment", deployment_id)
        if fresh is None:
            return None
        acts_for(key, SERVICE, fresh.service, field="deployment_id", where="path",
                 whose="the deployment's")  # fmt: skip
        found = await shown_within(lambda: model.deployment(deployment_id), None, fresh.wait_left_s)
    return owned(key, SERVICE, "deployment", found, where="path")
