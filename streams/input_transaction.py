"""Sending a processor's records inside the transaction of the record that caused them.

Faust's own `topic.send` picks the transaction of the *output* partition,
which commits with that partition's input offsets, not with the input being
processed: re-keyed output (account -> symbol, user -> submission) would
commit apart from the offset that caused it. Every processor here sends
through `InputTransaction` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import faust

from infra.partitioning import partition_for
from infra.settings import settings
from infra.topics import CATALOG
from streams.dead_letters import Headers, dead_letter
from streams.faust_fixes import send_in_input_transaction

log = logging.getLogger(__name__)

# (topic, key, value, headers)
Outgoing = tuple[str, bytes, bytes, Headers | None]


class InputTransaction:
    def __init__(self, app: faust.App, colocated: Iterable[str] = ()) -> None:
        """`colocated`: topics written on the input record's partition number
        rather than by key: a processor's table changelogs, since Faust
        recovers changelog partition p on the worker that holds input
        partition p."""
        self.app = app
        default_partitions = settings().partitions
        self._dead_letters = {spec.name: spec.dlq for spec in CATALOG if spec.has_dlq}
        self._colocated = frozenset(colocated)
        # A dead-letter topic has its source topic's partition count.
        self._partitions: dict[str, int] = {}
        for spec in CATALOG:
            count = spec.partitions or default_partitions
            self._partitions[spec.name] = count
            if spec.has_dlq:
                self._partitions[spec.dlq] = count

    async def send_all(self, input_message: faust.types.Message, outgoing: list[Outgoing]) -> None:
        """Send every record in the transaction of `input_message`'s partition."""
        for topic, key, value, headers in outgoing:
            if topic in self._colocated:
                partition = input_message.partition
            else:
                partition = partition_for(key, self._partitions[topic])
            await send_in_input_transaction(
                self.app, input_message, topic, key, value, partition, headers
            )

    def dead_letter(self, message: faust.types.Message, reason: str, processor: str) -> Outgoing:
        """`message` to its topic's DLQ with the reason, keyed like its source."""
        log.warning(
            "%s: %s[%s]@%s to the dead-letter topic: %s",
            processor,
            message.topic,
            message.partition,
            message.offset,
            reason,
        )
        dlq, key, value, headers = dead_letter(
            self._dead_letters,
            reason,
            processor,
            message.topic,
            message.partition,
            message.offset,
            message.key,
            message.value,
        )
        # Keyed like its source so it stays in the transaction of its partition.
        return dlq, key or b"", value or b"", headers
