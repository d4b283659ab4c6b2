"""The coding-interview platform end to end: an author publishes over HTTP, a
learner runs and submits over HTTP, the judge agent runs the code in its
sandbox and emits the verdicts; the projector turns it all into Redis (status,
progress) and ClickHouse (submissions, rates); replay rebuilds both equal."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from projections.judge import keys
from projections.redis_sink import canonical_dump, delete_namespace
from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.judge_support import judge_client
from tests.unit.gateway.judge.test_requests import PROBLEM

pytestmark = pytest.mark.e2e

WRONG = "print(3)\n"  # right on the sample (1 2), wrong on the hidden test (40 2)
RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture(scope="module")
def learner() -> str:
    return f"ada-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def http(running_platform: Platform, learner: str) -> Iterator[httpx.Client]:
    """A client whose key publishes problems and acts as the learner."""
    with judge_client(running_platform, learner, "e2e-judge") as client:
        yield client


@pytest.fixture(scope="module")
def session(running_platform: Platform, http: httpx.Client, learner: str) -> dict[str, Any]:
    """A published problem; ada runs once and submits twice (wrong, then right)."""
    problem_id, user = f"e2e-{uuid.uuid4().hex[:8]}", learner
    published = http.post("/v1/judge/problems", json=PROBLEM | {"problem_id": problem_id})
    assert published.status_code == 202, published.text
    eventually(
        lambda: http.get(f"/v1/judge/problems/{problem_id}").status_code == 200,
        what="the published problem in the read model",
    )
    body = {"user_id": user, "problem_id": problem_id, "language": "python"}
    run = http.post("/v1/judge/runs", json=body | {"source": WRONG, "stdin": "1 2\n"})
    wrong = http.post("/v1/judge/submissions", json=body | {"source": WRONG})
    right = http.post("/v1/judge/submissions", json=body | {"source": RIGHT})
    for response in (run, wrong, right):
        assert response.status_code == 202, response.text
        assert response.json()["problem_revision"] == 1
    ids = {name: r.json()["submission_id"] for name, r in (("run", run), ("wrong", wrong),
                                                             ("right", right))}  # fmt: skip
    # The judge answers them in any order: the tests below start once all three are in.
    for name, sid in ids.items():

        def judged(sid: str = sid) -> bool:
            return bool(http.get(f"/v1/judge/submissions/{sid}").json().get("status") == "judged")

        eventually(judged, timeout=120, what=f"the {name} submission judged")
    return {"problem_id": problem_id, "user": user, **ids}


def test_the_verdicts_and_progress_are_live_in_redis(
    http: httpx.Client, session: dict[str, Any]
) -> None:
    right = http.get(f"/v1/judge/submissions/{session['right']}").json()
    assert (right["verdict"], right["label"]) == ("accepted", "Accepted")
    assert [t["outcome"] for t in right["tests"]] == ["accepted", "accepted"]
    wrong = http.get(f"/v1/judge/submissions/{session['wrong']}").json()
    assert wrong["verdict"] == "wrong_answer"
    assert [(t["name"], t["outcome"]) for t in wrong["tests"]] == [
        ("s1", "accepted"), ("h1", "wrong_answer"),
    ]  # fmt: skip
    run = http.get(f"/v1/judge/submissions/{session['run']}").json()
    assert (run["mode"], run["stdout"]) == ("run", "3\n")

    progress = http.get(f"/v1/judge/users/{session['user']}/progress").json()["progress"]
    assert [(p["problem_id"], p["status"], p["attempts"]) for p in progress] == [
        (session["problem_id"], "completed", 2)  # the run is no attempt
    ]
    assert progress[0]["best"]["time_ms"] == right["time_ms"]

    listed = http.get("/v1/judge/problems", params={"limit": 200, "category": "arrays"}).json()
    assert session["problem_id"] in [p["problem_id"] for p in listed["problems"]]


def test_the_submissions_reach_clickhouse_for_analysts(
    running_platform: Platform, session: dict[str, Any]
) -> None:
    query = (
        "SELECT language, submissions, accepted, acceptance_rate FROM acceptance_rates"
        f" WHERE problem_id = '{session['problem_id']}'"
    )

    def rows() -> list[dict[str, Any]]:
        done = onelog(running_platform, "sql", query)
        return json.loads(done.stdout) if done.returncode == 0 else []

    expected = [{"language": "python", "submissions": 2, "accepted": 1, "acceptance_rate": 0.5}]
    # The projector inserts in batches: wait for both verdicts, not the first row.
    eventually(lambda: rows() == expected, what=f"the acceptance rate in ClickHouse: {expected}")
    source = onelog(
        running_platform,
        "sql",
        f"SELECT source FROM submissions FINAL WHERE submission_id = '{session['right']}'"
        " AND event_type = 'SubmitSolution'",
    )
    assert json.loads(source.stdout) == [{"source": RIGHT}]


def test_replay_rebuilds_the_judge_read_models_equal(
    running_platform: Platform, session: dict[str, Any]
) -> None:
    rebuilt: list[str] = []

    def verified() -> subprocess.CompletedProcess[str] | None:
        rebuilt.append(f"v{uuid.uuid4().hex[:6]}")
        done = onelog(running_platform, "verify", "--namespace", rebuilt[-1])
        return done if done.returncode == 0 else None

    # The projector may still be applying the last facts: verify until equal.
    done = eventually(verified, timeout=120, what="onelog verify exiting 0")
    assert json.loads(done.stdout)["equal"] is True
    # The learner's progress is among what was rebuilt and compared.
    user, problem_id = session["user"], session["problem_id"]
    client = redis.Redis.from_url(running_platform.settings.redis_url)
    try:
        live = canonical_dump(client, running_platform.settings.namespace)
        replayed = canonical_dump(client, rebuilt[-1])
        for namespace in rebuilt:
            delete_namespace(client, namespace)
    finally:
        client.close()
    for key in (keys.progress(user, problem_id), keys.attempts(user, problem_id),
                keys.best(user, problem_id), keys.submission(session["right"])):  # fmt: skip
        assert key in live and replayed.get(key) == live[key], key
