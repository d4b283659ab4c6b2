"""Deciding one batch of a stage's input against the states of its partitions.

Pure but for `send`, which the loop points at its transactional producer:
for each record, admit it (or dead-letter it with the reason), decide it with
the stage's core and send its facts; once the batch is decided, send the
current value of every state part it touched, once each, to the changelog
partition of the input it came from. The caller commits all of it together
with the offsets this returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from confluent_kafka import Message, TopicPartition

from infra.partitioning import partition_for
from streams.admission import admitted
from streams.dead_letters import Headers, dead_letter
from streams.engine.changelog import part_key
from streams.engine.stage import Stage
from streams.records import encoded_facts

Send = Callable[[str, bytes | None, bytes | None, int | None, Headers | None], None]
"""Produces one record: topic, key, value (None: a tombstone), partition
(None: the key's, by Java's partitioner) and headers."""

Position = tuple[str, int, int]
"""(topic, partition, offset) of an input record."""

States = dict[int, dict[str, Any]]
"""partition -> state key -> state, for the partitions a loop holds."""


class DecideFailed(Exception):
    """The stage's core raised on a record: a bug, and the state it was
    changing may be half-changed. The loop drops every state and starts again
    from what committed, and dead-letters this record with `reason` when it
    meets it again, so the partition moves on."""

    def __init__(self, position: Position, reason: str) -> None:
        super().__init__(f"{position[0]}[{position[1]}]@{position[2]}: {reason}")
        self.position = position
        self.reason = reason


@lru_cache(maxsize=65_536)
def _home_partition(state_key: str, partitions: int) -> int:
    return partition_for(state_key.encode(), partitions)


class BatchDecider:
    def __init__(self, stage: Stage, partitions: int, failed: Mapping[Position, str]) -> None:
        """`partitions`: the inputs' partition count; `failed`: records whose
        decision raised before, with the reason (see DecideFailed)."""
        self.stage = stage
        self.partitions = partitions
        self.failed = failed
        self._dead_letter_topics = {spec.name: spec.dlq for spec in stage.inputs}
        # Each input is read by its own key: a stage's inputs may name the
        # state's key differently (the feed's member is `member` on commands
        # and `other` on the hops between members).
        self._key_fields = {spec.name: spec.key for spec in stage.inputs}

    def decide(
        self, states: States, messages: Sequence[Message], send: Send
    ) -> list[TopicPartition]:
        """Decide `messages` in order; the offsets to commit with what was sent."""
        stage, state_log = self.stage, self.stage.state_log
        touched: dict[tuple[int, str], dict[str, None]] = {}
        next_offsets: dict[tuple[str, int], int] = {}
        for message in messages:
            topic, partition, offset = message.topic(), message.partition(), message.offset()
            assert topic is not None and partition is not None and offset is not None
            next_offsets[(topic, partition)] = offset + 1
            admission = admitted(
                message.key(), message.value(), stage.name, self._key_fields[topic], stage.takes
            )
            if isinstance(admission, str):
                self._dead_letter(message, admission, send)
                continue
            record, key = admission
            home = _home_partition(key, self.partitions)
            if home != partition:
                self._dead_letter(message, f"key {key!r} belongs on partition {home}", send)
                continue
            failure = self.failed.get((topic, partition, offset))
            if failure is not None:
                self._dead_letter(message, failure, send)
                continue
            held = states[partition]
            state = held.get(key)
            if state is None:
                state = held[key] = stage.new_state(key)
            try:
                facts = stage.decide(state, record)
                parts = state_log.touched(state, record, facts)
            except Exception as exc:
                reason = f"internal error: {type(exc).__name__}: {exc}"
                raise DecideFailed((topic, partition, offset), reason) from exc
            touched.setdefault((partition, key), {}).update(dict.fromkeys(parts))
            for topic_name, fact_key, value in encoded_facts(facts, record, stage.name):
                send(topic_name, fact_key, value, None, None)
        changelog = stage.changelog.name
        for (partition, key), sub_keys in touched.items():
            state = states[partition][key]
            for sub_key in sub_keys:
                send(changelog, part_key(key, sub_key), state_log.entry(state, sub_key),
                     partition, None)  # fmt: skip
        return [TopicPartition(t, p, o) for (t, p), o in next_offsets.items()]

    def _dead_letter(self, message: Message, reason: str, send: Send) -> None:
        topic, partition, offset = message.topic(), message.partition(), message.offset()
        assert topic is not None and partition is not None and offset is not None
        dlq, key, value, headers = dead_letter(
            self._dead_letter_topics, reason, self.stage.name, topic, partition, offset,
            message.key(), message.value(),
        )  # fmt: skip
        send(dlq, key, value, partition, headers)
