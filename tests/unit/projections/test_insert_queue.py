"""Background inserts: run in order, hand back tokens only for what is done,
stop at the first failure and say so, and never wait without bound."""

from __future__ import annotations

import threading

import pytest

from projections.insert_queue import InsertQueue, InsertsFailed


def test_jobs_run_in_order_and_tokens_come_back_once_done() -> None:
    ran: list[int] = []
    gate = threading.Event()
    inserts: InsertQueue[int] = InsertQueue("test")

    def slow_first() -> None:
        gate.wait(5)
        ran.append(1)

    inserts.put(slow_first, 1)
    inserts.put(lambda: ran.append(2), 2)
    assert inserts.finished() == []  # the first is still inserting
    gate.set()
    assert inserts.close() == [1, 2]
    assert ran == [1, 2]


def test_a_failed_insert_is_raised_and_nothing_after_it_counts() -> None:
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("disk full")

    inserts: InsertQueue[str] = InsertQueue("test")
    inserts.put(lambda: ran.append("first"), "first")
    inserts.put(fail, "failed")
    inserts.put(lambda: ran.append("after"), "after")
    with pytest.raises(InsertsFailed, match="disk full"):
        inserts.close()
    assert ran == ["first"]
    with pytest.raises(InsertsFailed, match="disk full"):
        inserts.put(lambda: None, "more")


def _wait(gate: threading.Event) -> None:
    gate.wait(5)


def test_a_full_queue_waits_a_bounded_time() -> None:
    gate = threading.Event()
    inserts: InsertQueue[int] = InsertQueue("test", max_pending=1, wait_s=0.2)
    inserts.put(lambda: _wait(gate))  # running
    inserts.put(lambda: None)  # waiting: the queue is full
    with pytest.raises(InsertsFailed, match=r"more than 0\.2 s"):
        inserts.put(lambda: None)
    gate.set()
    inserts.close()
