"""The shell every deciding processor shares: decode, decide, save, emit.

A stage reads records from its input topics, decodes them, hands each to a
pure `decide(state, record) -> facts` for the state of the record's key,
saves the state in a Faust table and sends the facts, all in the Kafka
transaction that commits the record's offset. A record that cannot be
decoded, or does not belong where it was written, goes to `<topic>.dlq`
with the reason, and the stage moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import faust

from infra.settings import settings
from infra.topics import topic_of
from schemas.envelope import Record
from schemas.registry import registry
from streams.admission import admitted
from streams.facts import Fact
from streams.faust_fixes import commit_gate
from streams.input_transaction import InputTransaction, Outgoing
from streams.records import fact_record
from streams.state_codec import encode_key, encode_state
from streams.tracked_state import TrackedState

log = logging.getLogger(__name__)


def raw_topic(app: faust.App, *names: str) -> faust.TopicT:
    """Input topics read as bytes: stages decode records themselves (Avro, DLQ on failure)."""
    return app.topic(
        *names, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )


@dataclass(frozen=True)
class Stage:
    """One deciding processor: which field keys its state, and how it decides."""

    name: str
    key_field: str
    new_state: Callable[[str], Any]
    decide: Callable[[Any, Record], list[Fact]]


class StageRunner:
    def __init__(self, app: faust.App, stage: Stage, table: Any) -> None:
        self.app = app
        self.stage = stage
        self.table = table
        default_partitions = settings().partitions
        # Keys whose in-memory state an internal error may have half-changed:
        # their records wait in the DLQ until a restart recovers the state.
        self._unsafe_keys: set[str] = set()
        self._started: set[tuple[str, int]] = set()
        self._changelog = table.changelog_topic.get_topic_name()
        self._transaction = InputTransaction(app, {self._changelog: default_partitions})
        app.on_partitions_revoked.connect(self._forget_states)  # type: ignore[arg-type]

    async def _forget_states(self, sender: Any, *args: Any, **kwargs: Any) -> None:
        """Drop every state held in memory when partitions move.

        Memory may hold decisions whose transaction a rebalance aborted; kept,
        they would make a redelivered record look applied and its facts would
        be lost. Faust's recovery reads each assigned partition's changelog
        again after the rebalance, so what comes back is what committed.
        """
        store = self.table.data
        store.data.clear()
        store._key_partition.clear()
        self._unsafe_keys.clear()
        self._started.clear()

    async def process(self, event: faust.types.EventT[Any]) -> None:
        """Decide one event; its facts, its state and its ack go in one transaction."""
        message = event.message
        if (message.topic, message.partition) not in self._started:
            # Where each partition resumes after an assignment: the first thing
            # to read when a partition seems to have skipped records.
            self._started.add((message.topic, message.partition))
            log.info(
                "%s: %s[%s] resumes at offset %s",
                self.stage.name,
                message.topic,
                message.partition,
                message.offset,
            )
        async with commit_gate():
            outgoing = self._decide(event.message)
            # Once decided, every record goes out even if the agent is being
            # cancelled: half of them in a committed transaction would be a
            # fact without its state, or a state without its facts.
            await asyncio.shield(self._transaction.send_all(event.message, outgoing))
            event.ack()

    def _decide(self, message: faust.types.Message) -> list[Outgoing]:
        admission = admitted(message.key, message.value, self.stage.name, self.stage.key_field)
        if isinstance(admission, str):
            return [self._dead_letter(message, admission)]
        record, state_key = admission
        if state_key in self._unsafe_keys:
            return [self._dead_letter(message, f"state of {state_key} unavailable since an error")]
        tracked: TrackedState | None = self.table.get(state_key)
        if tracked is None:
            tracked = TrackedState(self.stage.new_state(state_key))
        elif tracked.seen(message.topic, message.offset):
            log.info(
                "%s: %s[%s]@%s already applied to %s; skipped",
                self.stage.name,
                message.topic,
                message.partition,
                message.offset,
                state_key,
            )
            return []
        try:
            facts = self.stage.decide(tracked.state, record)
        except TypeError as exc:
            return [self._dead_letter(message, str(exc))]
        except Exception as exc:  # a bug in a pure core must not stall the partition
            log.exception("%s: deciding %s failed", self.stage.name, state_key)
            self._unsafe_keys.add(state_key)
            self.table.data.pop(state_key, None)
            return [self._dead_letter(message, f"internal error: {type(exc).__name__}: {exc}")]
        tracked.advance(message.topic, message.offset)
        self.table.data[state_key] = tracked
        reg = registry()
        outgoing: list[Outgoing] = []
        for index, fact in enumerate(facts):
            out = fact_record(fact, record, index, self.stage.name)
            outgoing.append(
                (topic_of(out.schema_name).name, out.envelope.key.encode(), reg.encode(out), None)
            )
        # The state's changelog record, written here rather than by Faust's
        # table (which buffers it and may send it in a later transaction).
        outgoing.append((self._changelog, encode_key(state_key), encode_state(tracked), None))
        return outgoing

    def _dead_letter(self, message: faust.types.Message, reason: str) -> Outgoing:
        return self._transaction.dead_letter(message, reason, self.stage.name)
