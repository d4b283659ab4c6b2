"""A submission is read by its learner: the gateway waits, briefly, until the
read model knows whose a just-issued submission is, then checks the key."""

from __future__ import annotations

import time
from typing import Any

import pytest

from gateway.auth import ApiKey
from gateway.judge.principal import LEARNER
from gateway.judge.reads import _learners_submission
from gateway.problems import Problem
from schemas.ulid import new_ulid
from tests.unit.gateway.judge.test_issued import RecentlyIssued


class _LiveBeforeProjected:
    """Shows the judge's live status first (no learner: the agent writes it
    itself), and the projected submission from the third lookup on."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.lookups = 0

    async def submission(self, submission_id: str) -> dict[str, Any] | None:
        self.lookups += 1
        owner = self.user_id if self.lookups >= 3 else None
        return {"submission_id": submission_id, "user_id": owner, "status": "running"}


def learner(user_id: str) -> ApiKey:
    return ApiKey("k", frozenset({"judge:read"}), principals={LEARNER.kind: frozenset({user_id})})


async def test_a_running_submission_is_shown_once_its_learner_is_known() -> None:
    fresh = new_ulid(int(time.time() * 1000))
    model = _LiveBeforeProjected("ada")
    issued = RecentlyIssued({fresh: 5.0})
    found = await _learners_submission(learner("ada"), model, issued, fresh)  # type: ignore[arg-type]
    assert found is not None and found["user_id"] == "ada" and model.lookups == 3


async def test_another_learners_running_submission_is_refused() -> None:
    fresh = new_ulid(int(time.time() * 1000))
    with pytest.raises(Problem) as caught:
        model, issued = _LiveBeforeProjected("ada"), RecentlyIssued({fresh: 5.0})
        await _learners_submission(learner("bob"), model, issued, fresh)  # type: ignore[arg-type]
    assert caught.value.status == 403 and "'ada', the submission's learner" in caught.value.detail


async def test_a_submission_whose_learner_stays_unknown_is_not_shown() -> None:
    old = new_ulid(int(time.time() * 1000) - 60_000)  # not waited for
    model = _LiveBeforeProjected("ada")
    issued = RecentlyIssued({})  # issued longer ago than the gateway remembers
    assert await _learners_submission(learner("ada"), model, issued, old) is None  # type: ignore[arg-type]
