"""Corrections to faust-streaming 0.15.3 that exactly-once needs: every patch of
Faust's internals lives here, and `apply` refuses any other Faust version
(each fix reaches into internals that another release may have changed).

The exchange's stages no longer run on Faust (streams/engine); the judge's
agent does, and needs all four.

1. Recovery after a crash. Faust asks aiokafka for a changelog partition's
   last stable offset (LSO) before recovering a table, but aiokafka knows an
   LSO only after it has fetched from that partition. A worker restarted
   after a SIGKILL has fetched nothing yet, reads "empty changelog", recovers
   an empty table and decides on empty state. Asking the broker (ListOffsets
   with read_committed isolation) gives the true LSO.

2. What a transaction holds. Faust commits (offsets + transaction) on a timer
   while agents keep running, so a transaction could carry the facts of an
   event whose offset it does not commit; after a crash that event runs again
   and its facts appear twice. The commit gate closes that window: a stage
   holds it from reading an event until it has sent every fact and acked the
   event, and Faust's commit waits for it. A transaction then holds exactly
   the facts of the offsets it commits.

3. A seek while records flow. After a rebalance Faust seeks each input
   partition back to its committed offset, then clears the agents' buffers
   and resumes. If records are still flowing while it seeks (a recovery that
   follows an earlier one leaves the flow on), a batch fetched before the
   seek keeps being handed out after it and moves Faust's read offset past
   the records the seek is about to fetch again; the buffer clear then throws
   the handed-out ones away, and Faust drops the refetched ones as already
   read. The partition never moves again. Stopping the flow before seeking
   ends that batch first, so the read offset the seek sets is the last word.

4. A gap after offset 0. Records a killed worker wrote in a transaction that
   was aborted leave a hole in the offsets a read_committed consumer sees.
   Faust records such a hole so that the commit can step over it, but its
   test (`gap > 1 and r_offset`) reads an offset of 0 as "nothing read yet":
   a partition whose first record is followed by an aborted transaction
   never records the hole, and its committed offset stops at 1 for good.
   The read-offset map records that one hole itself.

tests/integration/streams kills a worker mid-stream to hold all of them in place.

Below the fixes: the other internals the judge's shell reads or calls (a
table's recovery and memory, the consumer's committed offsets, the
transaction manager's producer, a table's changelog topic, custom codecs),
each behind a function here so that no other module reaches into Faust.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import faust
from faust.serializers import codecs
from faust.tables.manager import TableManager
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as faust_aiokafka

FAUST_VERSION = "0.15.3"

_gate: asyncio.Lock | None = None


def commit_gate() -> asyncio.Lock:
    global _gate
    if _gate is None:
        _gate = asyncio.Lock()
    return _gate


async def _broker_highwaters(self: Any, partitions: list[Any]) -> Mapping[Any, int]:
    consumer = self._ensure_consumer()
    offsets: Mapping[Any, int] = await consumer.end_offsets(partitions)
    return offsets


_faust_force_commit = faust_consumer.Consumer.force_commit


async def _gated_force_commit(self: Any, *args: Any, **kwargs: Any) -> bool:
    async with commit_gate():
        committed: bool = await _faust_force_commit(self, *args, **kwargs)
        return committed


_faust_perform_seek = faust_consumer.Consumer.perform_seek


async def _perform_seek_with_flow_stopped(self: Any) -> None:
    # The callers (Faust's recovery, and getmany when the flow is off) resume
    # the flow themselves once the seek is done.
    self.stop_flow()
    self.app.flow_control.suspend()
    self.app.flow_control.clear()
    # Let the fetch loop see the stop: it sets the read offset of the record
    # in hand, then leaves the stale batch; the seek below overwrites that.
    for _ in range(3):
        await asyncio.sleep(0)
    await _faust_perform_seek(self)


class _ReadOffsets(defaultdict[Any, Any]):
    """Faust's read offsets, recording the hole after offset 0 that Faust skips (fix 4).

    Only the fetch loop assigns single items; seeks go through `update`,
    which a dict subclass does not route through `__setitem__`.
    """

    def __init__(self, consumer: Any) -> None:
        super().__init__(lambda: None)
        self._consumer = consumer

    def __setitem__(self, tp: Any, offset: Any) -> None:
        if self.get(tp) == 0 and offset is not None and offset > 1:
            gaps = self._consumer._gap[tp]
            gaps.addi(1, offset)
            gaps.merge_overlaps()
        super().__setitem__(tp, offset)


_faust_consumer_init = faust_consumer.Consumer.__init__


def _consumer_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _faust_consumer_init(self, *args, **kwargs)
    self._read_offset = _ReadOffsets(self)


def apply() -> None:
    installed = importlib.metadata.version("faust-streaming")
    if installed != FAUST_VERSION:
        raise RuntimeError(
            f"streams/faust_fixes.py patches the internals of faust-streaming {FAUST_VERSION}, "
            f"and {installed} is installed: check each fix against it before changing the pin"
        )
    faust_aiokafka.AIOKafkaConsumerThread._highwaters = _broker_highwaters  # type: ignore[method-assign]
    faust_consumer.Consumer.force_commit = _gated_force_commit  # type: ignore[method-assign]
    faust_consumer.Consumer.perform_seek = _perform_seek_with_flow_stopped  # type: ignore[method-assign]
    faust_consumer.Consumer.__init__ = _consumer_init  # type: ignore[method-assign]


def tables_recovered(app: faust.types.AppT) -> bool:
    """The group assigned this worker its partitions and its tables caught up
    with their changelogs."""
    tables = app.tables
    return isinstance(tables, TableManager) and tables.recovery.completed.is_set()


def forget_table(table: Any) -> None:
    """Drop every value a memory-stored table holds (Faust has no public clear
    that leaves the changelog alone, and its key -> partition index must go too)."""
    store = table.data
    store.data.clear()
    store._key_partition.clear()


def committed_offset(app: faust.App, tp: Any) -> int | None:
    """Faust's own record of a partition's committed offset (no public API has it)."""
    offset: int | None = app.consumer._committed_offset.get(tp)  # type: ignore[attr-defined]
    return offset


async def send_in_input_transaction(
    app: faust.App,
    input_message: faust.types.Message,
    topic: str,
    key: bytes,
    value: bytes,
    partition: int,
    headers: list[tuple[str, bytes]] | None,
) -> None:
    """Send one record in the transaction of `input_message`'s partition, the
    one Faust commits that partition's offsets with."""
    transactions = app.consumer.transactions
    group = app.assignor.group_for_topic(input_message.topic)
    transactional_id = f"{app.conf.id}-{group}-{input_message.partition}"
    await transactions.producer.send(
        topic, key, value, partition, None, headers, transactional_id=transactional_id
    )


def register_codec(name: str, dumps: Callable[[Any], bytes], loads: Callable[[bytes], Any]) -> str:
    """A value serializer named `name` for tables and topics."""

    class _Codec(codecs.Codec):
        def _dumps(self, value: Any) -> bytes:
            return dumps(value)

        def _loads(self, data: bytes) -> Any:
            return loads(data)

    codecs.register(name, _Codec())
    return name


def rebuild_changelog_topic(table: Any) -> None:
    """Build a table's changelog topic again from its current serializers:
    Faust builds it as the table registers, before ours can be set."""
    table.changelog_topic = table._new_changelog_topic()
