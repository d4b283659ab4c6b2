"""The judge acks its events in offset order, whatever order they finish in."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.judge.ordered_acks import OrderedAcks


@dataclass
class _Message:
    tp: str
    offset: int


@dataclass
class _Event:
    message: _Message
    log: list[tuple[str, int]] = field(default_factory=list)

    def ack(self) -> None:
        self.log.append((self.message.tp, self.message.offset))


def _events(tp: str, offsets: list[int], log: list[tuple[str, int]]) -> list[_Event]:
    return [_Event(_Message(tp, o), log) for o in offsets]


def test_a_later_event_waits_for_the_earlier_one() -> None:
    log: list[tuple[str, int]] = []
    acks = OrderedAcks()
    first, second, third = _events("p0", [5, 6, 7], log)
    for event in (first, second, third):
        acks.received(event)
    assert acks.finished(third) == []
    assert acks.finished(second) == []
    assert log == []
    assert acks.finished(first) == [first, second, third]
    assert log == [("p0", 5), ("p0", 6), ("p0", 7)]


def test_partitions_do_not_wait_for_each_other() -> None:
    log: list[tuple[str, int]] = []
    acks = OrderedAcks()
    slow = _events("p0", [1], log)[0]
    quick = _events("p1", [1], log)[0]
    acks.received(slow)
    acks.received(quick)
    acks.finished(quick)
    assert log == [("p1", 1)]


def test_forgotten_partitions_ack_nothing_later() -> None:
    log: list[tuple[str, int]] = []
    acks = OrderedAcks()
    first, second = _events("p0", [1, 2], log)
    acks.received(first)
    acks.received(second)
    acks.forget(["p0"])
    assert acks.finished(second) == []
    assert log == []
