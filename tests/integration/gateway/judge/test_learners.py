"""/v1/judge for learners against the real Kafka, Redis and chDB: a run's own
tests reach judge.commands named by the gateway, hints are read one at a
time, and a submission's percentiles and a problem's statistics come from
ClickHouse through the projector's SQL endpoint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.settings import Settings
from projections.clickhouse import ChdbClickHouse
from projections.judge import PROJECTION as JUDGE
from projections.judge.clickhouse import COLUMNS, rows_of
from projections.judge.learner_figures import MIN_ACCEPTED_FOR_PERCENTILE
from projections.log_record import LogRecord
from schemas import judge as jd
from schemas.envelope import Record
from streams.sealing import new_event_id, now_micros
from tests.integration.gateway.conftest import (
    Gateway,
    problem,
    read_record,
    running_gateway,
    unique,
)
from tests.integration.gateway.judge.test_routes import READ, WRITE, Projected, fact, slug
from tests.integration.gateway.test_analytics_sql import analytics_settings, projector_sql
from tests.unit.gateway.judge.test_requests import PROBLEM, SUBMIT

pytestmark = pytest.mark.integration

# Fixtures: these use this module's `clickhouse` (the judge's tables).
__all__ = ["analytics_settings", "projected", "projector_sql"]

HINTS = ["Look at each pair.", "Remember the numbers you have seen.", "A hash map of them."]


@pytest.fixture
def projected(gateway_settings: Settings) -> Iterator[Projected]:
    seeded = Projected(gateway_settings)
    yield seeded
    seeded.client.close()


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", "j_" + uuid.uuid4().hex[:12])
    for ddl in JUDGE.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


async def test_a_runs_own_tests_go_on_the_log_named_by_the_gateway(
    gateway: Gateway, projected: Projected
) -> None:
    user, problem_id = unique("u"), slug()
    projected.publish_problem(problem_id)
    learner = gateway.key(WRITE, learner=user)
    own = [{"input": "1 2\n", "expected": "3\n"}, {"input": "2 2\n", "expected": "4\n"}]
    body = SUBMIT | {"problem_id": problem_id, "user_id": user, "tests": own}
    run = await gateway.client.post("/v1/judge/runs", json=body, headers=learner)
    assert run.status_code == 202, run.text
    _, record = read_record(gateway.settings, "judge.commands", run.json()["partition"],
                            run.json()["offset"])  # fmt: skip
    assert isinstance(record, jd.RunCode)
    assert [(t.name, t.input, t.expected) for t in record.tests] == [
        ("custom-1", "1 2\n", "3\n"),
        ("custom-2", "2 2\n", "4\n"),
    ]

    too_long = [*own, own[0], {"input": "1", "expected": "x" * (64 * 1024 + 1)}]
    refused = await gateway.client.post(
        "/v1/judge/runs", json=body | {"tests": too_long}, headers=learner
    )
    assert refused.status_code == 422
    assert [e["field"] for e in problem(refused)["errors"]] == ["tests.3.expected"]
    eleven = await gateway.client.post(
        "/v1/judge/runs", json=body | {"tests": own * 6}, headers=learner
    )
    assert eleven.status_code == 422
    assert [e["field"] for e in problem(eleven)["errors"]] == ["tests"]


async def test_hints_are_counted_in_the_problem_and_read_one_at_a_time(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id, reader = slug(), gateway.key(READ)
    body = PROBLEM | {"problem_id": problem_id, "hints": HINTS}
    projected.apply(fact(jd.ProblemPublished, problem_id, revision=1, **body))
    shown = (await gateway.client.get(f"/v1/judge/problems/{problem_id}", headers=reader)).json()
    assert shown["hint_count"] == 3 and "hash map" not in str(shown)

    first = await gateway.client.get(f"/v1/judge/problems/{problem_id}/hints/1", headers=reader)
    assert first.status_code == 200, first.text
    assert (first.json()["hint"], first.json()["remaining"]) == (HINTS[0], 2)
    last = await gateway.client.get(f"/v1/judge/problems/{problem_id}/hints/3", headers=reader)
    assert (last.json()["hint"], last.json()["remaining"]) == (HINTS[2], 0)

    beyond = await gateway.client.get(f"/v1/judge/problems/{problem_id}/hints/4", headers=reader)
    assert beyond.status_code == 404
    assert beyond.headers["content-type"].startswith("application/problem+json")
    assert [e["parameter"] for e in problem(beyond)["errors"]] == ["n"]
    unknown = await gateway.client.get(f"/v1/judge/problems/{slug()}/hints/1", headers=reader)
    assert unknown.status_code == 404 and problem(unknown)["type"].endswith("unknown-problem")
    zero = await gateway.client.get(f"/v1/judge/problems/{problem_id}/hints/0", headers=reader)
    assert zero.status_code == 422 and problem(zero)["errors"][0]["parameter"] == "n"


def _judged(problem_id: str, language: str, verdict: str, time_ms: int, memory_kb: int,
            mode: str = "submit") -> Record:  # fmt: skip
    user = unique("u")
    return fact(
        jd.SubmissionJudged, user, submission_id=new_event_id(now_micros()), user_id=user,
        problem_id=problem_id, problem_revision=1, language=language, mode=mode,
        verdict=verdict, passed=1, total=1, time_ms=time_ms, memory_kb=memory_kb, message="",
    )  # fmt: skip


def _insert(clickhouse: ChdbClickHouse, records: list[Record]) -> None:
    """The rows the projector writes for these records, twice (a replay counts once)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for offset, record in enumerate(records * 2):
        message = LogRecord("judge.events", 0, offset % len(records), b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        clickhouse.insert(table, table_rows, COLUMNS[table])


async def test_percentiles_and_statistics_come_from_clickhouse(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    projected = Projected(analytics_settings)
    problem_id = slug()
    projected.publish_problem(problem_id)
    # Python: accepted in 5, 20, 30, 40, 60 ms; one wrong answer; a run (not counted).
    # Java: one accepted in 300 ms, one time limit exceeded.
    python = [_judged(problem_id, "python", "accepted", ms, kb)
              for ms, kb in ((5, 900), (20, 800), (30, 700), (40, 600), (60, 500))]  # fmt: skip
    others = [
        _judged(problem_id, "python", "wrong_answer", 1, 1),
        _judged(problem_id, "python", "accepted", 1, 1, mode="run"),
        _judged(problem_id, "java", "accepted", 300, 40_000),
        _judged(problem_id, "java", "time_limit_exceeded", 2000, 40_000),
    ]
    _insert(clickhouse, python + others)
    mine, java = python[2], others[2]
    assert isinstance(mine, jd.SubmissionJudged) and isinstance(java, jd.SubmissionJudged)
    projected.apply(mine, java)

    async with running_gateway(analytics_settings) as client:
        gateway = Gateway(client, analytics_settings, analytics_settings.api_keys_file)
        reader = gateway.key(READ, learner=mine.user_id)
        found = await client.get(f"/v1/judge/submissions/{mine.submission_id}", headers=reader)
        assert found.status_code == 200, found.text
        # 30 ms: slower were 40 and 60 of the 4 others; more memory: 900 and 800.
        assert (found.json()["runtime_percentile"], found.json()["memory_percentile"]) == (
            50.0, 50.0,
        )  # fmt: skip
        assert MIN_ACCEPTED_FOR_PERCENTILE > 1
        alone = gateway.key(READ, learner=java.user_id)
        lonely = await client.get(f"/v1/judge/submissions/{java.submission_id}", headers=alone)
        assert lonely.json()["runtime_percentile"] is None  # one accepted Java solution

        stats = await client.get(f"/v1/judge/problems/{problem_id}/stats", headers=reader)
        assert stats.status_code == 200, stats.text
        body = stats.json()
        assert (body["submissions"], body["accepted"], body["acceptance_rate"]) == (8, 6, 0.75)
        by_language = {entry["language"]: entry for entry in body["languages"]}
        assert set(by_language) == {"java", "python"}
        py = by_language["python"]
        assert (py["submissions"], py["accepted"], py["acceptance_rate"]) == (6, 5, 0.8333)
        assert (py["runtime_ms"]["p50"], py["memory_kb"]["p50"]) == (30, 700)
        assert py["runtime_ms"]["p90"] == 60
        counts = {b["bucket"]: b["count"] for b in py["runtime_ms"]["histogram"]}
        assert counts == {"<10": 1, "10-25": 1, "25-50": 2, "50-100": 1, "100-250": 0,
                          "250-500": 0, "500-1000": 0, "1000-2500": 0, "2500-5000": 0,
                          ">=5000": 0}  # fmt: skip
        assert by_language["java"]["runtime_ms"]["p50"] == 300

        unknown = await client.get(f"/v1/judge/problems/{slug()}/stats", headers=reader)
        assert unknown.status_code == 404
        assert unknown.headers["content-type"].startswith("application/problem+json")
    projected.client.close()
