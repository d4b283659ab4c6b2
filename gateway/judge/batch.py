"""The batch routes of /v1/judge, as Judge0's: up to 20 submissions in one POST,
up to 20 of them read in one GET. Shapes and limits: gateway/judge/batch_shape.py.

POST /submissions/batch runs each item through the single route's two halves
(gateway/judge/writes.py `checked_command`, `written`): the same sizes,
fields, learner, problem, rate limit (one request of the key's allowance per
item that reaches the write, as one POST each would spend) and record. The
checks run in order, the writes side by side (one Kafka round trip for the
lot). The answer is 202 if any item was accepted, `{"submissions": [...]}` in
the items' order: an accepted item is the single route's 202 body with
`"status": 202`, a refused one its problem (`status`, `errors` naming
`submissions.<i>.<field>`). If none was accepted the answer is that problem
(problem+json) with the same list under `submissions`. Idempotency-Key is
refused, as on every batch: a key names one answer; retry the failed items.

GET /submissions/batch?ids=a,b,c answers each id as GET /submissions/{id}
would, but an id that is unknown or another learner's is a per-item 404
(never a 403: a batch read does not tell whose an id is), and a malformed
one a per-item 422 naming `ids.<i>`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import Any

import orjson
from pydantic import ValidationError
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.analytics import AnalyticsEndpoint
from gateway.auth import ApiKey, authenticate
from gateway.json_body import check_media_type, parse_object
from gateway.json_response import JSONResponse
from gateway.judge.batch_shape import (
    BatchQuery,
    batch_status,
    ids_of,
    item_problem,
    submissions_of,
)
from gateway.judge.commands import READ, SUBMIT
from gateway.judge.figures import with_percentiles
from gateway.judge.issued import IssuedSubmissions
from gateway.judge.read_model import issued_submissions, judge_read_model
from gateway.judge.reads import _learners_submission
from gateway.judge.requests import SubmissionQuery
from gateway.judge.writes import Checked, checked_command, written
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services, admitted
from projections.judge.read import JudgeReadModel

log = logging.getLogger(__name__)


async def submit_batch(request: Request) -> Response:
    services: Services = request.state.services
    key = authenticate(request, services.api_keys, SUBMIT.scope)
    check_media_type(request.headers.get("content-type"))
    if request.headers.get("idempotency-key") is not None:
        raise Problem(
            400,
            "idempotency-not-supported",
            "Idempotency-Key is not supported on a batch; retry only the refused submissions",
        )
    items = submissions_of(parse_object(await request.body()))
    answers: list[dict[str, Any]] = []
    writes: dict[int, Awaitable[dict[str, Any]]] = {}
    for n, item in enumerate(items):
        check = await _checked_item(services, key, item, n)
        if isinstance(check, Checked):
            writes[n] = _written_item(request, services, key, item, check, n)
            answers.append({})  # filled in once written
        else:
            answers.append(check)
    for n, answer in zip(writes, await asyncio.gather(*writes.values()), strict=True):
        answers[n] = answer
    status = batch_status(answers)
    if status == 202:
        return JSONResponse({"submissions": answers}, 202)
    raise Problem(
        status,
        "batch-refused",
        "no submission of the batch was accepted",
        errors=[error for answer in answers for error in answer["errors"]],
        headers=_retry_after(answers),
        extensions={"submissions": answers},
    )


async def _checked_item(
    services: Services, key: ApiKey, item: Any, n: int
) -> Checked | dict[str, Any]:
    """The item checked as POST /submissions checks a body, or its problem."""
    try:
        if not isinstance(item, dict):
            raise Problem(422, "validation", "a submission is a JSON object")
        return await checked_command(services, key, SUBMIT, item, {})
    except Problem as problem:
        return item_problem(problem, "submissions", n)


async def _written_item(
    request: Request, services: Services, key: ApiKey, item: dict[str, Any], check: Checked, n: int
) -> dict[str, Any]:
    try:
        response = await written(request, services, key, SUBMIT, item, check)
    except Problem as problem:  # rate limited, Kafka did not acknowledge
        return item_problem(problem, "submissions", n)
    except RedisError as exc:
        # Raised for the whole batch, it would hide the ids of items Kafka has taken.
        log.warning("batch item %d: Redis failed before its write: %s", n, exc)
        unavailable = Problem(
            503, "store-unavailable", "the rate limit store did not answer; retry this one",
            headers={"Retry-After": "2"},
        )  # fmt: skip
        return item_problem(unavailable, "submissions", n)
    return {"status": response.status_code, **orjson.loads(bytes(response.body))}


def _retry_after(answers: list[dict[str, Any]]) -> dict[str, str]:
    # Every item refused for a reason that passes (429, 503): when to send them again.
    if {a["status"] for a in answers} <= {429, 503}:
        return {"Retry-After": "2"}
    return {}


async def read_batch(request: Request) -> Response:
    services, key = await admitted(request, READ)
    ids = ids_of(parameters(request, BatchQuery).ids)
    model, issued = judge_read_model(services), issued_submissions(services)
    analytics: AnalyticsEndpoint = request.state.analytics
    found = await asyncio.gather(
        *(_read_item(key, model, issued, analytics, submission_id, n)
          for n, submission_id in enumerate(ids))
    )  # fmt: skip
    return JSONResponse({"submissions": found})


async def _read_item(
    key: ApiKey,
    model: JudgeReadModel,
    issued: IssuedSubmissions,
    analytics: AnalyticsEndpoint,
    submission_id: str,
    n: int,
) -> Mapping[str, Any]:
    try:
        SubmissionQuery.model_validate({"submission_id": submission_id})
    except ValidationError:
        malformed = Problem(422, "validation", f"{submission_id!r} is not a submission id")
        return {"submission_id": submission_id, **_id_problem(malformed, n)}
    try:
        found = await _learners_submission(key, model, issued, submission_id)
    except Problem as problem:
        if problem.status != 403:
            raise
        found = None  # another learner's: as unknown
    if found is None:
        unknown = Problem(404, "unknown-submission", f"no submission {submission_id!r}")
        return {"submission_id": submission_id, **_id_problem(unknown, n)}
    view: dict[str, Any] = await with_percentiles(analytics, found)
    return view


def _id_problem(problem: Problem, n: int) -> dict[str, Any]:
    return {
        **problem.body(),
        "errors": [{"field": f"ids.{n}", "parameter": "ids", "detail": problem.detail}],
    }
