"""The bounded wait for an id the gateway has just issued: the first answer
the read model gives, or None once the time is up."""

from __future__ import annotations

import time

from gateway.deploy.issued import shown_within


async def test_the_wait_ends_when_the_read_model_shows_the_id() -> None:
    answers = iter([None, None, {"deployment_id": "d"}])

    async def read() -> dict[str, str] | None:
        return next(answers)

    assert await shown_within(read, None, 5.0) == {"deployment_id": "d"}


async def test_the_wait_ends_at_its_bound() -> None:
    async def read() -> dict[str, str] | None:
        return None

    started = time.monotonic()
    assert await shown_within(read, None, 0.2) is None
    assert 0.2 <= time.monotonic() - started < 1.0


async def test_what_is_already_shown_is_answered_at_once() -> None:
    async def read() -> dict[str, str] | None:
        raise AssertionError("not asked again")

    assert await shown_within(read, {"deployment_id": "d"}, 5.0) == {"deployment_id": "d"}
