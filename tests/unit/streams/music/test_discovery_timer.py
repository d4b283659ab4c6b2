"""The weekly timer ticks a week once, whatever it finds on the log."""

from __future__ import annotations

from datetime import UTC, datetime

from streams.music.discovery_timer import due_week

MONDAY = datetime(2026, 11, 30, 0, 0, 1, tzinfo=UTC)  # 2026-W49 begins


def test_a_week_without_a_tick_is_due() -> None:
    assert due_week(MONDAY, {"2026-W48"}) == "2026-W49"


def test_a_week_ticked_already_is_not_due_again() -> None:
    assert due_week(MONDAY, {"2026-W48", "2026-W49"}) is None


def test_the_iso_year_decides_the_week_at_new_year() -> None:
    assert due_week(datetime(2027, 1, 1, tzinfo=UTC), set()) == "2026-W53"
