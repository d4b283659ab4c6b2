"""/v1/judge/submissions/batch against real Kafka and Redis: each item checked,
rate limited and written as the single route does it, answered in order; a
batch read answers each id as the single read, another learner's as unknown."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from infra.settings import Settings
from schemas import judge as jd
from schemas.ulid import new_ulid
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique
from tests.integration.gateway.judge.test_routes import READ, WRITE, Projected, fact, slug
from tests.unit.gateway.judge.test_requests import SUBMIT

pytestmark = pytest.mark.integration


@pytest.fixture
def projected(gateway_settings: Settings) -> Iterator[Projected]:
    seeded = Projected(gateway_settings)
    yield seeded
    seeded.client.close()


BATCH = "/v1/judge/submissions/batch"


def submission(user: str, problem_id: str, **fields: Any) -> dict[str, Any]:
    return SUBMIT | {"user_id": user, "problem_id": problem_id} | fields


async def test_valid_items_go_on_the_log_and_refused_ones_name_their_field(
    gateway: Gateway, projected: Projected
) -> None:
    user, first, second = unique("u"), slug(), slug()
    projected.publish_problem(first, 1)
    projected.publish_problem(second, 2)
    items = [
        submission(user, first),
        submission(user, first, language="intercal"),
        submission(user, second, source="print(2)\n"),
        submission(user, slug()),  # no such problem
        "not an object",
    ]
    response = await gateway.client.post(
        BATCH, json={"submissions": items}, headers=gateway.key(WRITE, learner=user)
    )
    assert response.status_code == 202, response.text
    answers = response.json()["submissions"]
    assert [a["status"] for a in answers] == [202, 422, 202, 422, 422]
    assert [e["field"] for e in answers[1]["errors"]] == ["submissions.1.language"]
    assert answers[1]["errors"][0]["pointer"] == "#/submissions/1/language"
    assert [e["field"] for e in answers[3]["errors"]] == ["submissions.3.problem_id"]
    assert [e["field"] for e in answers[4]["errors"]] == ["submissions.4"]

    for answer, problem_id, revision, source in (
        (answers[0], first, 1, SUBMIT["source"]),
        (answers[2], second, 2, "print(2)\n"),
    ):
        assert answer["topic"] == "judge.commands" and answer["problem_revision"] == revision
        key, record = read_record(
            gateway.settings, answer["topic"], answer["partition"], answer["offset"]
        )
        assert key == user.encode() and isinstance(record, jd.SubmitSolution)
        assert (record.submission_id, record.problem_id, record.problem_revision) == (
            answer["submission_id"], problem_id, revision,
        )  # fmt: skip
        assert (record.user_id, record.source) == (user, source)
    assert answers[0]["submission_id"] != answers[2]["submission_id"]


async def test_a_batch_of_none_or_too_many_is_a_422_naming_submissions(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id = slug()
    projected.publish_problem(problem_id)
    headers = gateway.key(WRITE, learner=SUBMIT["user_id"])
    for count in (0, 21):
        body = {"submissions": [submission(SUBMIT["user_id"], problem_id)] * count}
        response = await gateway.client.post(BATCH, json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in problem(response)["errors"]] == ["submissions"]
    refused = await gateway.client.post(
        BATCH, json={"submissions": [submission(SUBMIT["user_id"], problem_id)]},
        headers=headers | {"Idempotency-Key": "k-1"},
    )  # fmt: skip
    assert refused.status_code == 400


async def test_a_learner_submits_for_itself_only_an_operator_for_anyone(
    gateway: Gateway, projected: Projected
) -> None:
    me, other, problem_id = unique("u"), unique("u"), slug()
    projected.publish_problem(problem_id)
    body = {"submissions": [submission(other, problem_id), submission(other, problem_id)]}
    refused = await gateway.client.post(BATCH, json=body, headers=gateway.key(WRITE, learner=me))
    assert refused.status_code == 403, refused.text
    shown = problem(refused)  # none accepted: the batch's problem, with every item's
    assert [e["field"] for e in shown["errors"]] == [
        "submissions.0.user_id",
        "submissions.1.user_id",
    ]
    assert [a["status"] for a in shown["submissions"]] == [403, 403]

    operator = gateway.key((*WRITE, "judge:operator"))
    accepted = await gateway.client.post(BATCH, json=body, headers=operator)
    assert accepted.status_code == 202, accepted.text
    assert [a["status"] for a in accepted.json()["submissions"]] == [202, 202]


async def test_each_item_spends_the_keys_rate_limit_as_one_submit_would(
    gateway: Gateway, projected: Projected
) -> None:
    user, problem_id = unique("u"), slug()
    projected.publish_problem(problem_id)
    headers = gateway.key(WRITE, learner=user, rate_per_minute=6, burst=2)
    body = {"submissions": [submission(user, problem_id, source=f"print({n})\n") for n in range(3)]}
    response = await gateway.client.post(BATCH, json=body, headers=headers)
    assert response.status_code == 202, response.text
    statuses = sorted(a["status"] for a in response.json()["submissions"])
    assert statuses == [202, 202, 429]
    again = await gateway.client.post(BATCH, json=body, headers=headers)
    assert again.status_code == 429 and "Retry-After" in again.headers


async def test_a_batch_read_answers_each_id_in_order_and_hides_others(
    gateway: Gateway, projected: Projected
) -> None:
    user, other, problem_id = unique("u"), unique("u"), slug()
    projected.publish_problem(problem_id)
    mine = await gateway.client.post(
        BATCH, json={"submissions": [submission(user, problem_id)] * 2},
        headers=gateway.key(WRITE, learner=user),
    )  # fmt: skip
    theirs = await gateway.client.post(
        "/v1/judge/submissions", json=submission(other, problem_id),
        headers=gateway.key(WRITE, learner=other),
    )  # fmt: skip
    ids = [a["submission_id"] for a in mine.json()["submissions"]]
    for answer in [*mine.json()["submissions"], theirs.json()]:
        _, command = read_record(
            gateway.settings, "judge.commands", answer["partition"], answer["offset"]
        )
        projected.apply(command)
    projected.apply(
        fact(jd.SubmissionJudged, user, submission_id=ids[1], user_id=user, problem_id=problem_id,
             problem_revision=1, language="python", mode="submit", verdict="wrong_answer",
             passed=0, total=1, time_ms=12, memory_kb=8000, message=""),
    )  # fmt: skip
    unknown, theirs_id = new_ulid(int(time.time() * 1000)), theirs.json()["submission_id"]
    asked = [ids[1], unknown, theirs_id, "not-an-id", ids[0]]
    read = await gateway.client.get(
        f"{BATCH}?ids={','.join(asked)}", headers=gateway.key(READ, learner=user)
    )
    assert read.status_code == 200, read.text
    found = read.json()["submissions"]
    assert [f["submission_id"] for f in found] == asked
    assert (found[0]["status"], found[0]["verdict"]) == ("judged", "wrong_answer")
    assert found[4]["status"] == "queued"
    single = await gateway.client.get(
        f"/v1/judge/submissions/{ids[0]}", headers=gateway.key(READ, learner=user)
    )
    assert found[4] == single.json()  # as the single read shows it
    assert (found[1]["status"], found[2]["status"], found[3]["status"]) == (404, 404, 422)
    assert [e["field"] for e in found[2]["errors"]] == ["ids.2"]
    assert "user_id" not in found[2] and other not in read.text

    too_many = await gateway.client.get(
        f"{BATCH}?ids={','.join([unknown] * 21)}", headers=gateway.key(READ, learner=user)
    )
    assert too_many.status_code == 422
    assert problem(too_many)["errors"][0]["parameter"] == "ids"


async def test_the_batch_routes_are_in_the_openapi_document(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()
    paths = document["paths"]
    assert {"post", "get"} <= set(paths[BATCH])
    assert "/v1/judge/submissions/{submission_id}" in paths
