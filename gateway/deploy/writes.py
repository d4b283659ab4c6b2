"""The deployment system's write routes: the shared write path
(gateway/writes.py) with what only the gateway knows resolved into the record.

1. `actor`: the calling key's id, on every command. The orchestrator's
   four-eyes rule compares the approver's with the deployer's, so it must be
   the key, never something the body says.
2. A command on a deployment (approve, pause, resume, abort, roll back) names
   only the deployment; its `service`, the record's partition key, comes from
   the read model: an unknown deployment is a 404, another service's a 403
   naming `deployment_id` (gateway/deploy/read_model.py). One the gateway
   has just issued is waited for until the projector shows it.
3. The id a 202 tells (a deployment's, a release's) is remembered as issued
   (gateway/deploy/issued.py) before the 202 is answered, so a read or a
   command on it right after waits for the projector instead of a 404.

A command naming a service (in its body or path) is checked against the key's
services first (gateway/access.py: 403 naming `service`).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from pydantic import BaseModel
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.deploy.commands import ON_A_DEPLOYMENT
from gateway.deploy.issued import Kind
from gateway.deploy.read_model import (
    deploy_read_model,
    issued_ids,
    keys_deployment,
    unknown_deployment,
)
from gateway.json_body import check_media_type, parse_object
from gateway.operation import Endpoint
from gateway.services import Services
from gateway.writes import validate, write_command

log = logging.getLogger(__name__)

# The ids a command's 202 tells, by the field that carries them.
ISSUED_KINDS: dict[str, Kind] = {"deployment_id": "deployment", "release_id": "release"}


async def remember_issued(
    services: Services, command: Command, service: str, accepted: Response
) -> None:
    """Remember the id a 202 tells (a replayed 202 too), with its service.

    Kafka already has the command, so a Redis failure here must not turn the
    202 into an error that invites a duplicate: a read of this id then
    answers 404 until the projector shows it, and the client asks again.
    """
    if accepted.status_code != 202:
        return
    answer = orjson.loads(bytes(accepted.body))
    for field in command.assigns:
        kind = ISSUED_KINDS.get(field)
        if kind is None or field not in answer:
            continue
        try:
            await issued_ids(services).remember(kind, str(answer[field]), service)
        except RedisError as exc:
            log.warning("could not remember issued %s %s: %s", kind, answer[field], exc)


async def resolved_fields(
    services: Services, key: ApiKey, command: Command, path_model: BaseModel | None
) -> dict[str, Any]:
    """The record's fields the request does not carry: the actor, and a
    deployment's service (404 if the key may not see the deployment)."""
    resolved: dict[str, Any] = {"actor": key.key_id}
    if command.name in ON_A_DEPLOYMENT:
        deployment_id = str(getattr(path_model, "deployment_id"))  # noqa: B009
        model = deploy_read_model(services)
        found = await keys_deployment(model, issued_ids(services), key, deployment_id)
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
        response = await write_command(
            request, services, key, command, body, request_model, path_model, resolved
        )
        if command.assigns:
            await remember_issued(services, command, request_model.service, response)
        return response

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
