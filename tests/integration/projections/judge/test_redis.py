"""The judge's live models in a real Redis: applied through the sink, read
through JudgeReadModel, and equal whichever topic the projector reads first."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from projections.judge import keys
from projections.judge.read import JudgeReadModel
from projections.judge.redis import redis_writes
from projections.redis_sink import RedisSink, canonical_dump, delete_namespace
from tests.unit.projections.judge.records import Session, sid, story

pytestmark = pytest.mark.integration


def _per_topic(session: Session) -> dict[str, list[tuple[int, list[list[str]]]]]:
    per_topic: dict[str, list[tuple[int, list[list[str]]]]] = {}
    for topic, _, record in session.steps:
        entries = per_topic.setdefault(topic, [])
        entries.append((len(entries), redis_writes(record)))
    return per_topic


def _apply(sink: RedisSink, session: Session, topic_order: tuple[str, ...] | None = None) -> None:
    """Each topic's records in log order; the topics one after another, as
    a projector far behind (or a replay worker per partition) may read them."""
    per_topic = _per_topic(session)
    for topic in topic_order or tuple(per_topic):
        sink.apply(topic, 0, per_topic[topic])


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


async def _read(redis_url: str, namespace: str) -> dict[str, Any]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        model = JudgeReadModel(client, namespace)
        return {
            "page1": await model.problems(limit=2),
            "easy": await model.problems(limit=10, difficulty="easy"),
            "design": await model.problems(limit=10, category="design"),
            "two_sum": await model.problem("two-sum"),
            "revision": await model.problem_revision("two-sum"),
            "unknown": await model.problem("nope"),
            "run": await model.submission(sid(0)),
            "s1": await model.submission(sid(1)),
            "s4": await model.submission(sid(4)),
            "ada": await model.progress("ada"),
            "bob": await model.progress("bob"),
            "carol": await model.progress("carol", "two-sum"),
        }
    finally:
        await client.aclose()


def test_the_story_projects_to_the_expected_live_models(
    redis_client: redis.Redis, namespace: str
) -> None:
    _apply(RedisSink(redis_client, namespace), story())
    seen = asyncio.run(_read(_url(redis_client), namespace))

    page1 = seen["page1"]
    assert [p["problem_id"] for p in page1.problems] == ["fizz-buzz", "lru-cache"]
    assert page1.next_cursor == "lru-cache"
    assert [p["problem_id"] for p in seen["easy"].problems] == ["fizz-buzz", "two-sum"]
    assert seen["easy"].next_cursor is None
    assert [p["problem_id"] for p in seen["design"].problems] == ["lru-cache"]

    problem = seen["two_sum"]
    assert (problem["revision"], problem["title"], seen["revision"]) == (
        2, "Two Sum (revised)", 2,
    )  # fmt: skip
    assert problem["samples"] == [{"name": "sample-1", "input": "1 2\n", "expected": "3\n"}]
    assert problem["hidden_tests"] == 2
    assert {s["language"] for s in problem["starter"]} == {"python", "cpp"}
    assert problem["checker"] == {"kind": "custom", "float_digits": None}
    assert "HIDDEN" not in json.dumps(problem) and seen["unknown"] is None

    run = seen["run"]
    assert (run["mode"], run["status"], run["stdout"]) == ("run", "judged", "hello\n")
    s1 = seen["s1"]
    assert (s1["status"], s1["verdict"], s1["passed"], s1["total"]) == (
        "judged", "wrong_answer", 2, 3,
    )  # fmt: skip
    assert [t["outcome"] for t in s1["tests"]] == ["accepted", "accepted", "wrong_answer"]
    assert s1["tests"][2]["output_excerpt"] == "" and s1["compile"]["ok"] is True
    assert (seen["s4"]["status"], seen["s4"]["seq"]) == ("queued", 0)

    ada = {p["problem_id"]: p for p in seen["ada"]}
    assert ada["two-sum"]["status"] == "completed"
    assert ada["two-sum"]["attempts"] == 3
    assert ada["two-sum"]["best"] == {
        "submission_id": sid(3), "time_ms": 25, "memory_kb": 9000, "language": "cpp",
    }  # fmt: skip
    assert (ada["fizz-buzz"]["status"], ada["fizz-buzz"]["attempts"]) == ("in_progress", 0)
    (bob,) = seen["bob"]
    assert (bob["status"], bob["attempts"], bob["best"]) == ("in_progress", 1, None)
    (carol,) = seen["carol"]
    assert (carol["status"], carol["attempts"]) == ("not_started", 0)


def test_the_models_do_not_depend_on_which_topic_comes_first(
    redis_client: redis.Redis, namespace: str
) -> None:
    """A rebuild reads each partition in its own order and interleaves topics
    differently from the live projector: every order gives the same keys."""
    session = story()
    # A hand mark between verdicts, so order inside judge.events matters too.
    session.marked("ada", "two-sum", "not_started")
    session.submit(sid(5), "ada", "two-sum")
    session.judged(sid(5), "ada", "two-sum", "time_limit_exceeded", time_ms=2000)
    dumps = []
    for n, order in enumerate(itertools.permutations(tuple(_per_topic(session)))):
        ns = f"{namespace}_{n}"
        _apply(RedisSink(redis_client, ns), session, order)
        dumps.append(canonical_dump(redis_client, ns))
        delete_namespace(redis_client, ns)
    assert all(d == dumps[0] for d in dumps)
    assert json.loads(dumps[0][keys.progress("ada", "two-sum")])[1][:1] == [
        ["judged_since_mark", "1"]
    ]


def test_a_mark_sets_the_status_and_later_verdicts_raise_it(
    redis_client: redis.Redis, namespace: str
) -> None:
    session = story()
    session.marked("ada", "two-sum", "not_started")
    sink = RedisSink(redis_client, namespace)
    _apply(sink, session)
    model_url = _url(redis_client)

    async def status() -> tuple[str, int]:
        client = aioredis.Redis.from_url(model_url)
        try:
            (p,) = await JudgeReadModel(client, namespace).progress("ada", "two-sum")
            return p["status"], p["attempts"]
        finally:
            await client.aclose()

    assert asyncio.run(status()) == ("not_started", 3)
    more = Session()
    more.submit(sid(6), "ada", "two-sum")
    sink.apply("judge.commands", 99, [(0, redis_writes(more.steps[0][2]))])
    assert asyncio.run(status()) == ("in_progress", 4)  # pending
    more.judged(sid(6), "ada", "two-sum", "accepted", time_ms=90)
    sink.apply("judge.events", 99, [(0, redis_writes(more.steps[1][2]))])
    assert asyncio.run(status()) == ("completed", 4)


def test_an_older_revision_read_late_changes_nothing(
    redis_client: redis.Redis, namespace: str
) -> None:
    s = Session()
    s.publish("two-sum", 2, title="Newer")
    s.publish("two-sum", 1, title="Older")
    _apply(RedisSink(redis_client, namespace), s)
    dump = canonical_dump(redis_client, namespace)
    assert '"title","Newer"' in dump[keys.problem("two-sum")]
    assert "Older" not in json.dumps(dump)


def test_a_verdict_is_published_on_the_submission_channel(
    redis_client: redis.Redis, namespace: str
) -> None:
    s = Session()
    s.judged(sid(7), "ada", "two-sum", total=4, passed=4)

    async def scenario() -> dict[str, Any]:
        client = aioredis.Redis.from_url(_url(redis_client))
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(keys.updates_channel(namespace, sid(7)))
            await asyncio.to_thread(_apply, RedisSink(redis_client, namespace), s)
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
                if message is not None:
                    return dict(json.loads(message["data"]))
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()

    message = asyncio.run(scenario())
    assert (message["state"], message["seq"], message["verdict"]) == ("judged", 5, "accepted")
