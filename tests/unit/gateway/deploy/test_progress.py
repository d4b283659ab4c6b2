"""What a reconnecting client of a deployment's progress stream is sent:
exactly the events after its Last-Event-ID, or a snapshot when those kept no
longer reach back to it; never a silent gap."""

from __future__ import annotations

import pytest

from gateway.deploy.progress import is_final, last_event_id, missed
from gateway.problems import Problem


def events(*seqs: int) -> list[dict[str, int]]:
    return [{"seq": seq} for seq in seqs]


def test_the_events_after_the_last_seen_in_order() -> None:
    assert missed(events(5, 3, 4, 2), 2) == events(3, 4, 5)
    assert missed(events(3, 4), 4) == []


def test_a_gap_before_the_first_kept_event_asks_for_a_snapshot() -> None:
    assert missed(events(7, 8), 4) is None


@pytest.mark.parametrize("header", ["abc", "-1", "1.5", "٣", "9" * 19, " 1"])
def test_a_last_event_id_is_a_whole_number_or_a_400(header: str) -> None:
    with pytest.raises(Problem) as refused:
        last_event_id(header)
    assert refused.value.status == 400


def test_no_last_event_id_is_a_first_connection() -> None:
    assert last_event_id(None) is None and last_event_id("") is None
    assert last_event_id("42") == 42


def test_a_deployment_that_moves_no_more_is_final() -> None:
    assert all(is_final({"status": s}) for s in ("succeeded", "rolled_back", "dequeued"))
    assert not any(is_final({"status": s}) for s in ("requested", "running", "rolling_back"))
