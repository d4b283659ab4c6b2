"""Acks in offset order for an agent that finishes its events out of order.

Faust commits the run of acked offsets that starts at the committed one, and
an ack below the committed offset is ignored. An agent whose events finish
out of order (the judge: a quick submission behind a slow one) must not let
Faust see a later offset acked before an earlier one: Faust would commit past
the event still in flight and then drop its ack, leaving its facts in a
transaction that never commits. So each event's ack waits until every
earlier event of its partition is acked too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class OrderedAcks:
    def __init__(self) -> None:
        # Per partition, the events received and not acked yet, by offset.
        self._pending: dict[Any, dict[int, Any]] = {}
        self._finished: dict[Any, set[int]] = {}

    def received(self, event: Any) -> None:
        """Call as soon as an event arrives, before any await."""
        message = event.message
        self._pending.setdefault(message.tp, {})[message.offset] = event

    def finished(self, event: Any) -> list[Any]:
        """Mark an event done; ack and return every event now at the head of its partition."""
        tp = event.message.tp
        pending = self._pending.get(tp, {})
        finished = self._finished.setdefault(tp, set())
        finished.add(event.message.offset)
        acked = []
        for offset in sorted(pending):
            if offset not in finished:
                break
            head = pending.pop(offset)
            finished.discard(offset)
            head.ack()
            acked.append(head)
        return acked

    def forget(self, partitions: Iterable[Any]) -> None:
        """Partitions taken away: their events will be redelivered elsewhere."""
        for tp in partitions:
            self._pending.pop(tp, None)
            self._finished.pop(tp, None)
