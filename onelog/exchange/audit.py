"""The whole life of an order, read from the log itself for regulatory review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.log_reader import read_all
from schemas.codec import DecodeError
from schemas.exchange.topics import EXCHANGE_TOPICS
from schemas.registry import registry
from schemas.ulid import derived_ulid

_ORDER_FIELDS = ("order_id", "buy_order_id", "sell_order_id")
# A market order walking a deep book can cause many facts; past this the
# audit still lists them, after their siblings.
_MAX_FACTS_PER_RECORD = 4096


@dataclass(frozen=True)
class AuditEntry:
    topic: str
    partition: int
    offset: int
    record_type: str
    event_id: str
    recorded_at: int
    producer: str
    causation_id: str | None
    fields: dict[str, Any]


def order_history(
    bootstrap: str, order_id: str, on_record: Callable[[], None] | None = None
) -> list[AuditEntry]:
    """Every record that names the order, in the order it was decided."""
    reg = registry()
    entries = []
    cause_of: dict[str, str | None] = {}
    for rec in read_all(bootstrap, [t.name for t in EXCHANGE_TOPICS]):
        if on_record:
            on_record()
        try:
            model, value, _fp = reg.decode_dict(rec.value)
        except DecodeError:
            continue
        env = value["envelope"]
        cause_of[env["event_id"]] = env["causation_id"]
        if not any(value.get(f) == order_id for f in _ORDER_FIELDS):
            continue
        entries.append(
            AuditEntry(
                topic=rec.topic,
                partition=rec.partition,
                offset=rec.offset,
                record_type=model.schema_name.rsplit(".", 1)[1],
                event_id=env["event_id"],
                recorded_at=env["recorded_at"],
                producer=env["producer"],
                causation_id=env["causation_id"],
                fields={k: v for k, v in value.items() if k != "envelope"},
            )
        )

    # Facts take their time from their cause, so a command and everything it
    # caused share recorded_at: the length of the causation chain orders them.
    def depth(event_id: str) -> int:
        steps = 0
        parent = cause_of.get(event_id)
        while parent is not None and steps < 64:
            steps += 1
            parent = cause_of.get(parent)
        return steps

    entries.sort(key=lambda e: (e.recorded_at, depth(e.event_id), _sibling_index(e), e.offset))
    return entries


def _sibling_index(entry: AuditEntry) -> int:
    """Which of its cause's facts this one was: a stage derives the id of its
    i-th fact from the cause's id and i (schemas.ulid.derived_ulid)."""
    if entry.causation_id is None:
        return 0
    millis = entry.recorded_at // 1000
    for index in range(_MAX_FACTS_PER_RECORD):
        if derived_ulid(entry.causation_id, index, millis) == entry.event_id:
            return index
    return _MAX_FACTS_PER_RECORD
