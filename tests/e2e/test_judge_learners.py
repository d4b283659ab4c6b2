"""The judge for learners end to end: an author publishes a problem with
hints over HTTP; a learner reads a hint, runs a solution on tests of their own
and submits it; the real worker judges the own tests with the problem's
checker in its sandbox; the verdict and the problem's statistics come back
over HTTP (Redis and ClickHouse through the projector)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Platform, eventually
from tests.e2e.judge_support import judge_client
from tests.unit.gateway.judge.test_requests import PROBLEM

pytestmark = pytest.mark.e2e

RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
HINTS = ["Read both numbers from one line.", "Print their sum on a line of its own."]


@pytest.fixture(scope="module")
def http(running_platform: Platform) -> Iterator[tuple[httpx.Client, str]]:
    learner = f"lin-{uuid.uuid4().hex[:6]}"
    with judge_client(running_platform, learner, "e2e-learners") as client:
        yield client, learner


def _judged(client: httpx.Client, sid: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        found: dict[str, Any] = client.get(f"/v1/judge/submissions/{sid}").json()
        return found if found.get("status") == "judged" else None

    judged: dict[str, Any] = eventually(done, timeout=120, what=f"{sid} judged")
    return judged


def test_hints_own_tests_and_statistics_over_http(http: tuple[httpx.Client, str]) -> None:
    client, learner = http
    problem_id = f"e2e-l-{uuid.uuid4().hex[:8]}"
    published = client.post(
        "/v1/judge/problems", json=PROBLEM | {"problem_id": problem_id, "hints": HINTS}
    )
    assert published.status_code == 202, published.text
    eventually(
        lambda: client.get(f"/v1/judge/problems/{problem_id}").status_code == 200,
        what="the published problem in the read model",
    )
    assert client.get(f"/v1/judge/problems/{problem_id}").json()["hint_count"] == 2
    hint = client.get(f"/v1/judge/problems/{problem_id}/hints/2").json()
    assert (hint["hint"], hint["remaining"]) == (HINTS[1], 0)

    body = {"user_id": learner, "problem_id": problem_id, "language": "python", "source": RIGHT}
    own = [{"input": "1 2\n", "expected": "3\n"}, {"input": "2 2\n", "expected": "5\n"}]
    run = client.post("/v1/judge/runs", json=body | {"tests": own})
    submitted = client.post("/v1/judge/submissions", json=body)
    assert run.status_code == 202 and submitted.status_code == 202, (run.text, submitted.text)

    ran = _judged(client, run.json()["submission_id"])
    assert (ran["mode"], ran["verdict"], ran["passed"], ran["total"]) == (
        "run", "wrong_answer", 1, 2,
    )  # fmt: skip
    assert [(t["name"], t["outcome"], t["output_excerpt"]) for t in ran["tests"]] == [
        ("custom-1", "accepted", "3\n"),
        ("custom-2", "wrong_answer", "4\n"),
    ]
    accepted = _judged(client, submitted.json()["submission_id"])
    assert accepted["verdict"] == "accepted"
    # One accepted submission: too few to rank it.
    assert (accepted["runtime_percentile"], accepted["memory_percentile"]) == (None, None)

    def stats() -> dict[str, Any] | None:
        answer = client.get(f"/v1/judge/problems/{problem_id}/stats")
        found: dict[str, Any] = answer.json()
        return found if answer.status_code == 200 and found["submissions"] == 1 else None

    found = eventually(stats, what="the submission in the problem's statistics")
    assert (found["accepted"], found["acceptance_rate"]) == (1, 1.0)  # the run is no submission
    (python,) = found["languages"]
    assert python["language"] == "python"
    assert python["runtime_ms"]["p50"] == accepted["time_ms"]
    assert sum(bucket["count"] for bucket in python["runtime_ms"]["histogram"]) == 1
