"""The progress bar of replay and verify: how far, of how many, and how fast."""

from __future__ import annotations

import io

import pytest

from infra.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_replay_shows_its_events_per_second_against_the_total(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    bar = ProgressBar("replay", None, unit="events")
    bar.update_total(1000)
    bar.advance(250)
    bar.close()
    last = screen.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("replay [#######-----------------------] 250/1000 ")
    assert last.endswith(" events/s")
