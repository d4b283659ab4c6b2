"""/v1/judge against real Kafka and Redis: commands reach judge.commands with
the ids the gateway assigns, refusals name the field, reads come from the
judge projection seeded into this test's namespace, and the SSE stream of a
submission follows it to its verdict (under uvicorn)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from gateway.auth import create_api_key
from gateway.judge.principal import LEARNER
from gateway.judge.requests import MAX_SOURCE_BYTES
from infra.settings import Settings
from projections.judge import keys
from projections.judge.redis import redis_writes
from projections.redis_sink import RedisSink
from schemas import judge as jd
from schemas.envelope import Record
from streams.sealing import build_record, new_event_id, now_micros
from tests.integration.gateway.conftest import Gateway, problem, read_record, sse_events, unique
from tests.unit.gateway.judge.test_requests import PROBLEM, SUBMIT

pytestmark = pytest.mark.integration

READ, WRITE, ADMIN = ("judge:read",), ("judge:write",), ("judge:admin",)


def fact(model: type[Record], key: str, **fields: Any) -> Record:
    now = now_micros()
    return build_record(
        model, fields, event_id=new_event_id(now), key=key,
        producer="judge", correlation_id=None, occurred_at=now, recorded_at=now,
    )  # fmt: skip


class Projected:
    """Applies judge records through the projector's own sink, as it would."""

    def __init__(self, settings: Settings) -> None:
        self.client = redis.Redis.from_url(settings.redis_url)
        self.namespace = settings.namespace
        self.sink = RedisSink(self.client, settings.namespace)
        self.offset = 0

    def apply(self, *records: Record) -> None:
        for record in records:
            self.sink.apply("judge.test", 0, [(self.offset, redis_writes(record))])
            self.offset += 1

    def publish_problem(self, problem_id: str, revision: int = 1) -> None:
        body = {k: v for k, v in PROBLEM.items()} | {"problem_id": problem_id}
        self.apply(fact(jd.ProblemPublished, problem_id, revision=revision, **body))


@pytest.fixture
def projected(gateway_settings: Settings) -> Iterator[Projected]:
    seeded = Projected(gateway_settings)
    yield seeded
    seeded.client.close()


def slug() -> str:
    return unique("p").lower()


async def test_a_submission_goes_on_the_log_pinned_to_the_latest_revision(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id, user = slug(), unique("u")
    projected.publish_problem(problem_id, 1)
    projected.publish_problem(problem_id, 3)
    body = SUBMIT | {"problem_id": problem_id, "user_id": user}
    learner = gateway.key(WRITE, learner=user)
    response = await gateway.client.post("/v1/judge/submissions", json=body, headers=learner)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["topic"] == "judge.commands" and answer["problem_revision"] == 3
    key, record = read_record(
        gateway.settings, answer["topic"], answer["partition"], answer["offset"]
    )
    assert key == user.encode()
    assert isinstance(record, jd.SubmitSolution)
    assert (record.submission_id, record.problem_revision) == (answer["submission_id"], 3)
    assert record.source == SUBMIT["source"]

    run = await gateway.client.post(
        "/v1/judge/runs", json=body | {"stdin": "1 2\n"}, headers=learner
    )
    assert run.status_code == 202, run.text
    _, record = read_record(gateway.settings, "judge.commands", run.json()["partition"],
                            run.json()["offset"])  # fmt: skip
    assert isinstance(record, jd.RunCode) and record.stdin == "1 2\n"
    assert run.json()["submission_id"] != answer["submission_id"]


async def test_unknown_problem_and_language_are_422_naming_the_field(
    gateway: Gateway, projected: Projected
) -> None:
    headers = gateway.key(WRITE, learner=SUBMIT["user_id"])
    unknown = await gateway.client.post(
        "/v1/judge/submissions", json=SUBMIT | {"problem_id": slug()}, headers=headers
    )
    assert unknown.status_code == 422
    assert [e["field"] for e in problem(unknown)["errors"]] == ["problem_id"]

    problem_id = slug()
    projected.publish_problem(problem_id)
    intercal = await gateway.client.post(
        "/v1/judge/runs", json=SUBMIT | {"problem_id": problem_id, "language": "intercal"},
        headers=headers,
    )  # fmt: skip
    assert intercal.status_code == 422
    assert [e["field"] for e in problem(intercal)["errors"]] == ["language"]

    mark = await gateway.client.post(
        f"/v1/judge/users/{SUBMIT['user_id']}/progress/{slug()}",
        json={"status": "completed"},
        headers=headers,
    )
    assert mark.status_code == 422
    assert problem(mark)["errors"][0]["parameter"] == "problem_id"


async def test_a_source_over_the_limit_is_413(gateway: Gateway, projected: Projected) -> None:
    headers = gateway.key(WRITE)
    problem_id = slug()
    projected.publish_problem(problem_id)
    body = SUBMIT | {"problem_id": problem_id, "source": "#" * (MAX_SOURCE_BYTES + 1)}
    response = await gateway.client.post("/v1/judge/submissions", json=body, headers=headers)
    assert response.status_code == 413
    assert problem(response)["errors"][0]["field"] == "source"
    # A body far past any source is cut off by the middleware.
    huge = SUBMIT | {"problem_id": problem_id, "source": "#" * (2 * 1024 * 1024)}
    response = await gateway.client.post("/v1/judge/runs", json=huge, headers=headers)
    assert response.status_code == 413


async def test_scopes_are_the_judges(gateway: Gateway) -> None:
    reader = gateway.key(READ)
    refused = await gateway.client.post("/v1/judge/submissions", json=SUBMIT, headers=reader)
    assert refused.status_code == 403
    learner = gateway.key(WRITE)
    refused = await gateway.client.post("/v1/judge/problems", json=PROBLEM, headers=learner)
    assert refused.status_code == 403
    exchange = gateway.key(("exchange:read",))
    refused = await gateway.client.get("/v1/judge/problems", headers=exchange)
    assert refused.status_code == 403


async def test_an_author_publishes_revisions_onto_judge_problems(
    gateway: Gateway, projected: Projected
) -> None:
    author, problem_id = gateway.key(ADMIN), slug()
    body = PROBLEM | {"problem_id": problem_id}
    first = await gateway.client.post("/v1/judge/problems", json=body, headers=author)
    assert first.status_code == 202, first.text
    assert (first.json()["topic"], first.json()["revision"]) == ("judge.problems", 1)
    key, record = read_record(gateway.settings, "judge.problems", first.json()["partition"],
                              first.json()["offset"])  # fmt: skip
    assert key == problem_id.encode()
    assert isinstance(record, jd.ProblemPublished) and record.hidden[0].expected == "42\n"

    projected.apply(record)  # what the projector does with it
    second = await gateway.client.post("/v1/judge/problems", json=body, headers=author)
    assert second.json()["revision"] == 2
    stale = await gateway.client.post(
        "/v1/judge/problems", json=body | {"revision": 1}, headers=author
    )
    assert stale.status_code == 409
    assert problem(stale)["errors"][0]["field"] == "revision"


async def test_problems_are_listed_a_page_at_a_time_without_hidden_tests(
    gateway: Gateway, projected: Projected
) -> None:
    prefix = slug()
    for n, difficulty in enumerate(("easy", "hard", "easy")):
        body = PROBLEM | {"problem_id": f"{prefix}-{n}", "difficulty": difficulty}
        projected.apply(fact(jd.ProblemPublished, f"{prefix}-{n}", revision=1, **body))
    reader = gateway.key(READ)
    first = await gateway.client.get("/v1/judge/problems?limit=2", headers=reader)
    assert first.status_code == 200
    assert [p["problem_id"] for p in first.json()["problems"]] == [f"{prefix}-0", f"{prefix}-1"]
    cursor = first.json()["next_cursor"]
    rest = await gateway.client.get(f"/v1/judge/problems?limit=2&cursor={cursor}", headers=reader)
    assert [p["problem_id"] for p in rest.json()["problems"]] == [f"{prefix}-2"]
    assert rest.json()["next_cursor"] is None
    easy = await gateway.client.get("/v1/judge/problems?difficulty=easy", headers=reader)
    assert [p["problem_id"] for p in easy.json()["problems"]] == [f"{prefix}-0", f"{prefix}-2"]

    detail = await gateway.client.get(f"/v1/judge/problems/{prefix}-1", headers=reader)
    assert detail.status_code == 200
    shown = detail.json()
    assert shown["samples"] == PROBLEM["samples"] and shown["starter"] == PROBLEM["starter"]
    # The hidden test is "40 2" -> "42": neither may show (a bare "42" can be
    # part of a timestamp).
    dumped = json.dumps(shown)
    assert shown["hidden_tests"] == 1 and "40 2" not in dumped and '"42\\n"' not in dumped
    missing = await gateway.client.get(f"/v1/judge/problems/{slug()}", headers=reader)
    assert missing.status_code == 404
    bad = await gateway.client.get("/v1/judge/problems?difficulty=trivial", headers=reader)
    assert bad.status_code == 422 and problem(bad)["errors"][0]["parameter"] == "difficulty"


async def test_a_submission_reads_queued_then_running_then_its_verdict(
    gateway: Gateway, projected: Projected
) -> None:
    user, problem_id = unique("u"), slug()
    projected.publish_problem(problem_id)
    submitted = await gateway.client.post(
        "/v1/judge/submissions", json=SUBMIT | {"problem_id": problem_id, "user_id": user},
        headers=gateway.key(WRITE, learner=user),
    )  # fmt: skip
    _, command = read_record(gateway.settings, "judge.commands", submitted.json()["partition"],
                             submitted.json()["offset"])  # fmt: skip
    assert isinstance(command, jd.SubmitSolution)
    sid, reader = command.submission_id, gateway.key(READ, learner=user)
    url = f"/v1/judge/submissions/{sid}"
    assert (await gateway.client.get(url, headers=reader)).status_code == 404

    projected.apply(command)
    assert (await gateway.client.get(url, headers=reader)).json()["status"] == "queued"
    fields, _ = keys.live_update(sid, 1, 2)
    live = [part for pair in fields.items() for part in pair]  # what the agent writes
    projected.client.hset(keys.live_status_key(projected.namespace, sid), items=live)
    running = (await gateway.client.get(url, headers=reader)).json()
    assert (running["status"], running["test"], running["total"]) == ("running", 1, 2)

    projected.apply(
        fact(jd.SubmissionJudged, user, submission_id=sid, user_id=user, problem_id=problem_id,
             problem_revision=1, language="python", mode="submit", verdict="accepted",
             passed=2, total=2, time_ms=12, memory_kb=8000, message=""),
    )  # fmt: skip
    judged = (await gateway.client.get(url, headers=reader)).json()
    assert (judged["status"], judged["verdict"], judged["label"]) == (
        "judged", "accepted", "Accepted",
    )  # fmt: skip
    progress = await gateway.client.get(f"/v1/judge/users/{user}/progress", headers=reader)
    (entry,) = progress.json()["progress"]
    assert (entry["problem_id"], entry["status"], entry["attempts"]) == (problem_id, "completed", 1)
    assert entry["best"]["time_ms"] == 12


async def test_the_stream_follows_a_submission_to_its_verdict(
    uvicorn_gateway: tuple[str, str], gateway_settings: Settings, projected: Projected
) -> None:
    url, _ = uvicorn_gateway
    user, problem_id, sid = unique("u"), slug(), new_event_id(now_micros())
    judge_reader = create_api_key(
        gateway_settings.api_keys_file, unique("r"), READ, principals={LEARNER.kind: user}
    )
    submit = fact(
        jd.SubmitSolution, user, submission_id=sid, user_id=user,
        problem_id=problem_id, problem_revision=1, language="python", source="x",
    )  # fmt: skip
    projected.apply(submit)
    channel = keys.updates_channel(projected.namespace, sid)
    headers = {"Authorization": f"Bearer {judge_reader}"}
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as client,
        client.stream("GET", f"/v1/judge/submissions/{sid}/stream", headers=headers) as stream,
    ):
        assert stream.status_code == 200
        events = sse_events(stream.aiter_lines())
        snapshot = await asyncio.wait_for(anext(events), 5)
        assert (snapshot["event"], snapshot["id"]) == ("snapshot", "0")
        assert json.loads(snapshot["data"])["status"] == "queued"

        for test in (1, 2):
            _, message = keys.live_update(sid, test, 2)
            projected.client.publish(channel, message)
            progress = await asyncio.wait_for(anext(events), 5)
            assert (progress["event"], progress["id"]) == ("progress", str(test))
            assert json.loads(progress["data"])["test"] == test
        _, stale = keys.live_update(sid, 1, 2)
        projected.client.publish(channel, stale)  # late: dropped by seq

        projected.apply(
            fact(jd.SubmissionJudged, user, submission_id=sid, user_id=user,
                 problem_id=problem_id, problem_revision=1, language="python", mode="submit",
                 verdict="wrong_answer", passed=1, total=2, time_ms=5, memory_kb=1, message=""),
        )  # fmt: skip
        verdict = await asyncio.wait_for(anext(events), 5)
        assert (verdict["event"], verdict["id"]) == ("verdict", "3")
        assert json.loads(verdict["data"])["verdict"] == "wrong_answer"
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(anext(events), 5)  # the stream ends with the verdict
