"""GET right after the 202: the gateway waits for the projector, briefly, for ids it just issued."""

from __future__ import annotations

import time
from typing import Any

from gateway.judge_reads import _issued_submission
from schemas.ulid import new_ulid


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
    found = await _issued_submission(model, fresh)  # type: ignore[arg-type]
    assert found == {"submission_id": fresh, "user_id": "ada", "status": "queued"}


async def test_an_old_or_foreign_id_is_not_waited_for() -> None:
    model = _LateReadModel()
    old = new_ulid(int(time.time() * 1000) - 60_000)
    assert await _issued_submission(model, old) is None  # type: ignore[arg-type]
    assert await _issued_submission(model, "not-a-ulid") is None  # type: ignore[arg-type]
    assert model.lookups == 2
