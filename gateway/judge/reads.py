"""GET routes of /v1/judge: problems, submissions, progress (Redis), and a
submission's progress as Server-Sent Events.

Reads are answered from projections.judge.read.JudgeReadModel; the gateway
checks the caller and the parameters and turns "unknown" into 404. A
submission and a learner's progress are read by keys that act for that
learner (gateway/access.py); problems by any key with judge:read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Any

from redis.asyncio.client import PubSub
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for, owned
from gateway.analytics import AnalyticsEndpoint
from gateway.auth import ApiKey
from gateway.json_response import JSONResponse
from gateway.judge.commands import READ
from gateway.judge.figures import stats_of, with_percentiles
from gateway.judge.issued import IssuedSubmissions
from gateway.judge.principal import LEARNER
from gateway.judge.read_model import issued_submissions, judge_read_model
from gateway.judge.requests import (
    HintQuery,
    ProblemQuery,
    ProblemsQuery,
    ProgressQuery,
    SubmissionQuery,
)
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services, admitted
from gateway.sse import KEEPALIVE, decode_message, event_stream, sse_event, subscribed_snapshot
from projections.judge.read import JudgeReadModel, hint_view, hints_of


async def _read_model(request: Request) -> tuple[Services, JudgeReadModel]:
    services, _ = await admitted(request, READ)
    return services, judge_read_model(services)


async def problems(request: Request) -> Response:
    """{"problems": [summary...], "next_cursor": problem_id | null}"""
    _, model = await _read_model(request)
    query = parameters(request, ProblemsQuery)
    page = await model.problems(
        limit=query.limit,
        cursor=query.cursor,
        difficulty=query.difficulty,
        category=query.category,
    )
    return JSONResponse({"problems": page.problems, "next_cursor": page.next_cursor})


async def problem(request: Request) -> Response:
    _, model = await _read_model(request)
    query = parameters(request, ProblemQuery)
    found = await model.problem(query.problem_id)
    if found is None:
        raise Problem(404, "unknown-problem", f"no problem {query.problem_id!r}")
    return JSONResponse(found)


async def problem_stats(request: Request) -> Response:
    """{"problem_id", "submissions", "accepted", "acceptance_rate",
    "runtime_buckets_ms", "languages": [{language, submissions, accepted,
    acceptance_rate, runtime_ms: {p50, p90, histogram}, memory_kb: {p50}}]}"""
    _, model = await _read_model(request)
    query = parameters(request, ProblemQuery)
    if await model.problem_revision(query.problem_id) is None:
        raise Problem(404, "unknown-problem", f"no problem {query.problem_id!r}")
    return JSONResponse(await stats_of(request.state.analytics, query.problem_id))


async def hint(request: Request) -> Response:
    """{"problem_id", "revision", "n", "hint", "hint_count", "remaining"}"""
    _, model = await _read_model(request)
    query = parameters(request, HintQuery)
    fields = await model.problem_hints(query.problem_id)
    if "revision" not in fields:
        raise Problem(404, "unknown-problem", f"no problem {query.problem_id!r}")
    found = hint_view(fields, query.n)
    if found is None:
        count = len(hints_of(fields))
        raise Problem(
            404,
            "unknown-hint",
            f"{query.problem_id!r} has {count} hints, no hint {query.n}",
            errors=[{"parameter": "n", "field": "n", "detail": f"at most {count}"}],
        )
    return JSONResponse(found)


async def _issued_submission(
    model: JudgeReadModel, issued: IssuedSubmissions, submission_id: str
) -> Any:
    """The submission, waiting a moment for one the gateway has just issued.

    A 202 comes back as soon as Kafka has the command; the projector shows it
    a few hundred milliseconds later. A client that asks in between, for an id
    the gateway issued (gateway/judge/issued.py), is answered once the read model
    has it, or with a 404 when the issued id's time (config.issued_wait_s) is
    up. Any other id is answered at once.
    """
    found = await model.submission(submission_id)
    if _whose_is_known(found):
        return found
    deadline = time.monotonic() + await issued.wait_left_s(submission_id)
    while not _whose_is_known(found) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        found = await model.submission(submission_id)
    return found


def _whose_is_known(found: Any) -> bool:
    # The judge writes its live status itself, so a submission can show as
    # running before the projector has written whose it is.
    return found is not None and found.get("user_id") is not None


async def _learners_submission(
    key: ApiKey, model: JudgeReadModel, issued: IssuedSubmissions, submission_id: str
) -> Any:
    """The submission if `key` acts for its learner (else 403); None if unknown."""
    found = await _issued_submission(model, issued, submission_id)
    return owned(key, LEARNER, "submission", found, where="path")


async def submission(request: Request) -> Response:
    services, key = await admitted(request, READ)
    query = parameters(request, SubmissionQuery)
    found = await _learners_submission(
        key, judge_read_model(services), issued_submissions(services), query.submission_id
    )
    if found is None:
        raise Problem(404, "unknown-submission", f"no submission {query.submission_id!r}")
    return JSONResponse(await with_percentiles(request.state.analytics, found))


async def progress(request: Request) -> Response:
    """{"user_id", "progress": [{problem_id, status, attempts, best, ...}]}"""
    services, key = await admitted(request, READ)
    query = parameters(request, ProgressQuery)
    acts_for(key, LEARNER, query.user_id, field="user_id", where="path")
    found = await judge_read_model(services).progress(query.user_id, query.problem_id)
    return JSONResponse({"user_id": query.user_id, "progress": found})


async def submission_stream(request: Request) -> Response:
    """SSE: a `snapshot` event (the submission as GET shows it), then a
    `progress` event per test the judge starts, then a `verdict` event (the
    whole submission again) and the end of the stream. Each event's id is
    the submission's seq: 0 queued, k running test k, total + 1 judged.

    Messages at or below the last seq sent are dropped. Pub/sub may lose a
    message, so a quiet stream looks at the read model again.
    """
    services, key = await admitted(request, READ)
    model, issued = judge_read_model(services), issued_submissions(services)
    query = parameters(request, SubmissionQuery)
    pubsub = services.redis.pubsub()
    snapshot = await subscribed_snapshot(
        pubsub,
        model.updates_channel(query.submission_id),
        lambda: _learners_submission(key, model, issued, query.submission_id),
    )
    if snapshot is None:
        raise Problem(404, "unknown-submission", f"no submission {query.submission_id!r}")
    keepalive_s = services.config.stream_keepalive_s
    analytics: AnalyticsEndpoint = request.state.analytics
    return event_stream(
        _submission_events(pubsub, model, analytics, query.submission_id, snapshot, keepalive_s),
        services.config.stream_max_s,
        keepalive_s,
    )


async def _submission_events(
    pubsub: PubSub,
    model: JudgeReadModel,
    analytics: AnalyticsEndpoint,
    submission_id: str,
    snapshot: dict[str, Any],
    keepalive_s: float,
) -> AsyncGenerator[str, None]:
    last_seq = int(snapshot["seq"])
    try:
        yield sse_event("snapshot", await with_percentiles(analytics, snapshot), last_seq)
        if snapshot["status"] == "judged":
            return
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=keepalive_s)
            update = decode_message(message.get("data")) if message is not None else None
            if message is None or (update is not None and update.get("state") == "judged"):
                current = await model.submission(submission_id)
                if current is not None and current["status"] == "judged":
                    yield sse_event(
                        "verdict", await with_percentiles(analytics, current), current["seq"]
                    )
                    return
                if message is None:
                    yield KEEPALIVE
                continue
            if update is None:
                continue
            seq = update.get("seq")
            if not isinstance(seq, int) or seq <= last_seq:
                continue
            last_seq = seq
            yield sse_event("progress", update, seq)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
