"""The agent's live-progress slot: silent until the composition plugs a writer in."""

from __future__ import annotations

from streams.judge.live_progress import LiveProgressSlot


def test_progress_before_a_writer_is_plugged_in_goes_nowhere() -> None:
    LiveProgressSlot()("S1", 1, 3)


def test_a_plugged_writer_hears_every_call_in_order() -> None:
    heard: list[tuple[str, int, int]] = []
    slot = LiveProgressSlot()
    slot("S1", 1, 3)
    slot.plug(lambda submission_id, test, total: heard.append((submission_id, test, total)))
    slot("S1", 2, 3)
    slot("S1", 3, 3)
    assert heard == [("S1", 2, 3), ("S1", 3, 3)]
