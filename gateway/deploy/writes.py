"""The deployment system's write routes: the shared write path
(gateway/writes.py) with what only the gateway knows resolved into the record.

1. `actor`: the calling key's id, on every command. The orchestrator's
   four-eyes rule compares the approver's with the deployer's, so it must be
   the key, never something the body says.
2. A command on a deployment (approve, pause, resume, abort, roll back) names
   only the deployment; its `service`, the record's partition key, comes from
   the read model. An unknown deployment and another service's are the same
   404: a key learns nothing of services it does not act for.

A command naming a service (in its body or path) is checked against the key's
services first (gateway/access.py: 403 naming `service`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.deploy.commands import ON_A_DEPLOYMENT
from gateway.deploy.read_model import deploy_read_model, keys_deployment, unknown_deployment
from gateway.json_body import check_media_type, parse_object
from gateway.operation import Endpoint
from gateway.services import Services
from gateway.writes import validate, write_command


async def resolved_fields(
    services: Services, key: ApiKey, command: Command, path_model: BaseModel | None
) -> dict[str, Any]:
    """The record's fields the request does not carry: the actor, and a
    deployment's service (404 if the key may not see the deployment)."""
    resolved: dict[str, Any] = {"actor": key.key_id}
    if command.name in ON_A_DEPLOYMENT:
        deployment_id = str(getattr(path_model, "deployment_id"))  # noqa: B009
        found = await keys_deployment(deploy_read_model(services), key, deployment_id)
        if found is None:
            raise unknown_deployment(deployment_id)
        resolved["service"] = found["service"]
    return resolved


def deploy_command_endpoint(command: Command) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        services: Services = request.state.services
        key = authenticate(request, services.api_keys, command.scope)
        check_media_type(request.headers.get("content-type"))
        body = parse_object(await request.body(), empty_is={})
        request_model, path_model = validate(command, body, request.path_params, path_in_body=False)
        acts_for_command(key, command, request_model, path_model, path_in_body=False)
        resolved = await resolved_fields(services, key, command, path_model)
        return await write_command(
            request, services, key, command, body, request_model, path_model, resolved
        )

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
