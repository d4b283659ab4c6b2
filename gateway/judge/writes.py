"""The judge's write routes: the shared write path (gateway/writes.py) with
two steps of its own before the record is sealed.

1. Sizes: a source or stdin over its limit is a 413 naming the field.
2. Resolve: the problem must be known to the problems read model (else a
   422 naming `problem_id`); a run or submission is pinned to its latest
   revision, and a publication gets the next revision unless it names one
   (a revision already published is a 409).

The resolved fields join the record's payload and the 202 answer. The id of a
run or submission is remembered as issued (gateway/judge/issued.py) before the 202
is answered, so that a read of it waits for the projector.

`checked_command` and `written` are the route's two halves; the batch of
submissions (gateway/judge/batch.py) runs them per item.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.json_body import check_media_type, parse_object
from gateway.judge import commands as judge_commands
from gateway.judge.read_model import issued_submissions, judge_read_model
from gateway.judge.requests import ProgressPath, check_sizes
from gateway.operation import Endpoint
from gateway.problems import Problem
from gateway.services import Services
from gateway.writes import validate, write_command
from projections.judge.read import JudgeReadModel

log = logging.getLogger(__name__)

Resolve = Callable[[JudgeReadModel, Any, BaseModel | None], Awaitable[dict[str, Any]]]


async def _remember_issued(services: Services, accepted: Response) -> None:
    """Remember the submission id a 202 tells (a replayed 202 too).

    Kafka already has the command, so a Redis failure here must not turn the
    202 into an error that invites a duplicate: the read of this id then
    answers 404 until the projector shows it, and the client asks again.
    """
    submission_id = orjson.loads(bytes(accepted.body))["submission_id"]
    try:
        await issued_submissions(services).remember(submission_id)
    except RedisError as exc:
        log.warning("could not remember issued submission %s: %s", submission_id, exc)


def unknown_problem(problem_id: str, where: str = "body") -> Problem:
    entry: dict[str, Any] = {"field": "problem_id", "detail": f"no problem {problem_id!r}"}
    entry |= {"pointer": "#/problem_id"} if where == "body" else {"parameter": "problem_id"}
    return Problem(422, "unknown-problem", f"unknown problem {problem_id!r}", errors=[entry])


async def _latest_revision(model: JudgeReadModel, problem_id: str, where: str) -> int:
    revision = await model.problem_revision(problem_id)
    if revision is None:
        raise unknown_problem(problem_id, where)
    return revision


async def _pin_revision(
    model: JudgeReadModel, request: Any, path: BaseModel | None
) -> dict[str, Any]:
    return {"problem_revision": await _latest_revision(model, request.problem_id, "body")}


async def _problem_exists(
    model: JudgeReadModel, request: Any, path: BaseModel | None
) -> dict[str, Any]:
    assert isinstance(path, ProgressPath)
    await _latest_revision(model, path.problem_id, "path")
    return {}


async def _next_revision(
    model: JudgeReadModel, request: Any, path: BaseModel | None
) -> dict[str, Any]:
    latest = await model.problem_revision(request.problem_id) or 0
    if request.revision is None:
        return {"revision": latest + 1}
    if request.revision <= latest:
        raise Problem(
            409,
            "revision-exists",
            f"{request.problem_id!r} is at revision {latest}; publish a higher one",
            errors=[{"pointer": "#/revision", "field": "revision",
                     "detail": f"must be greater than {latest}"}],
        )  # fmt: skip
    return {"revision": request.revision}


RESOLVERS: dict[str, Resolve] = {
    judge_commands.RUN.name: _pin_revision,
    judge_commands.SUBMIT.name: _pin_revision,
    judge_commands.MARK.name: _problem_exists,
    judge_commands.PUBLISH.name: _next_revision,
}


@dataclass(frozen=True)
class Checked:
    """A judge command that passed every check a route makes before writing."""

    request: Any
    path: BaseModel | None
    resolved: dict[str, Any]


async def checked_command(
    services: Services,
    key: ApiKey,
    command: Command,
    body: Mapping[str, Any],
    path_params: Mapping[str, Any],
) -> Checked:
    """Sizes (413), fields (422), whom the key acts for (403), the problem (422
    or 409, with what is resolved): each raises a Problem naming the field."""
    check_sizes(body)
    request_model, path_model = validate(command, body, path_params, path_in_body=False)
    acts_for_command(key, command, request_model, path_model, path_in_body=False)
    resolved = await RESOLVERS[command.name](judge_read_model(services), request_model, path_model)
    return Checked(request_model, path_model, resolved)


async def written(
    request: Request,
    services: Services,
    key: ApiKey,
    command: Command,
    body: dict[str, Any],
    checked: Checked,
) -> Response:
    """Write a checked command (rate limit, Kafka, the 202) and remember the
    submission id it issued."""
    response = await write_command(
        request, services, key, command, body, checked.request, checked.path, checked.resolved
    )
    if response.status_code == 202 and "submission_id" in command.assigns:
        await _remember_issued(services, response)
    return response


def judge_command_endpoint(command: Command) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        services: Services = request.state.services
        key = authenticate(request, services.api_keys, command.scope)
        check_media_type(request.headers.get("content-type"))
        body = parse_object(await request.body(), empty_is={})
        checked = await checked_command(services, key, command, body, request.path_params)
        return await written(request, services, key, command, body, checked)

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
