"""GET right after the 202: the gateway waits for the projector, briefly, for
ids it issued, and for no other id, however fresh its ULID looks."""

from __future__ import annotations

import time
from typing import Any

from gateway.judge.reads import _issued_submission
from schemas.ulid import new_ulid


class RecentlyIssued:
    """The gateway's record of issued ids (gateway/judge/issued.py), with time left for these."""

    def __init__(self, wait_left_s: dict[str, float]) -> None:
        self._left = wait_left_s

    async def wait_left_s(self, submission_id: str) -> float:
        return self._left.get(submission_id, 0.0)


class _LateReadModel:
    """Shows a submission only from its third lookup on, as a projector a moment behind would."""

    def __init__(self) -> None:
        self.lookups = 0

    async def submission(self, submission_id: str) -> dict[str, Any] | None:
        self.lookups += 1
        found = {"submission_id": submission_id, "user_id": "ada", "status": "queued"}
        return found if self.lookups >= 3 else None


async def test_a_just_issued_id_is_answered_once_projected() -> None:
    model = _LateReadModel()
    fresh = new_ulid(int(time.time() * 1000))
    found = await _issued_submission(model, RecentlyIssued({fresh: 5.0}), fresh)  # type: ignore[arg-type]
    assert found == {"submission_id": fresh, "user_id": "ada", "status": "queued"}


async def test_an_id_not_issued_is_not_waited_for_however_fresh() -> None:
    model = _LateReadModel()
    forged = new_ulid(int(time.time() * 1000))
    assert await _issued_submission(model, RecentlyIssued({}), forged) is None  # type: ignore[arg-type]
    assert model.lookups == 1


async def test_an_issued_id_is_waited_for_only_while_its_time_lasts() -> None:
    model = _LateReadModel()
    issued = new_ulid(int(time.time() * 1000))
    started = time.monotonic()
    found = await _issued_submission(model, RecentlyIssued({issued: 0.01}), issued)  # type: ignore[arg-type]
    assert found is None and time.monotonic() - started < 0.5
