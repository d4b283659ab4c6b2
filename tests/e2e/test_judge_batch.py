"""A batch of submissions end to end: three sent in one POST, the two valid ones
judged by the real worker in its sandbox, and both verdicts read back in one
batch GET (Redis through the projector)."""

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
WRONG = "a, b = map(int, input().split())\nprint(a - b)\n"


@pytest.fixture(scope="module")
def http(running_platform: Platform) -> Iterator[tuple[httpx.Client, str]]:
    learner = f"lba-{uuid.uuid4().hex[:6]}"
    with judge_client(running_platform, learner, "e2e-batch") as client:
        yield client, learner


def test_a_batch_is_judged_and_read_back_in_one_request(http: tuple[httpx.Client, str]) -> None:
    client, learner = http
    problem_id = f"e2e-b-{uuid.uuid4().hex[:8]}"
    assert client.post("/v1/judge/problems", json=PROBLEM | {"problem_id": problem_id}).is_success
    eventually(
        lambda: client.get(f"/v1/judge/problems/{problem_id}").status_code == 200,
        what="the published problem in the read model",
    )
    one = {"user_id": learner, "problem_id": problem_id, "language": "python"}
    sent = client.post(
        "/v1/judge/submissions/batch",
        json={"submissions": [one | {"source": RIGHT}, one | {"language": "intercal",
                                                              "source": RIGHT},
                              one | {"source": WRONG}]},
    )  # fmt: skip
    assert sent.status_code == 202, sent.text
    items = sent.json()["submissions"]
    assert [i["status"] for i in items] == [202, 422, 202]
    assert items[1]["errors"][0]["field"] == "submissions.1.language"
    ids = [items[0]["submission_id"], items[2]["submission_id"]]

    def judged() -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = client.get(
            "/v1/judge/submissions/batch", params={"ids": ",".join(ids)}
        ).json()["submissions"]
        return found if all(f.get("status") == "judged" for f in found) else None

    right, wrong = eventually(judged, timeout=120, what="both submissions judged")
    assert (right["submission_id"], right["verdict"]) == (ids[0], "accepted")
    assert (wrong["submission_id"], wrong["verdict"]) == (ids[1], "wrong_answer")
