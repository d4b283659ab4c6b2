"""The weekly tick's week: the ISO week in UTC (the ISO year at a year's
edges), and --week takes an ISO week only."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from onelog.music.discovery_command import _arguments
from schemas.music.recommendations import RecomputeDiscovery
from streams.music.discovery_ticks import iso_week
from tests.unit.schemas.samples import ENVELOPE


@pytest.mark.parametrize(
    ("at", "week"),
    [
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "2026-W49"),
        (datetime(2027, 1, 1, tzinfo=UTC), "2026-W53"),
        (datetime(2024, 12, 30, tzinfo=UTC), "2025-W01"),
    ],
)
def test_the_week_is_the_iso_week(at: datetime, week: str) -> None:
    assert iso_week(at) == week
    assert RecomputeDiscovery(envelope=ENVELOPE, week=week).week == week


def test_week_takes_an_iso_week_only() -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    _arguments(parser)
    assert parser.parse_args(["--week", "2026-W48"]).week == "2026-W48"
    assert parser.parse_args([]).week is None
    for bad in ("2026-48", "2026-W54", "2026-W00"):
        with pytest.raises(argparse.ArgumentError):
            parser.parse_args(["--week", bad])
