"""Sealing a command: the envelope that starts a causal chain on the log.

A command gets a fresh ULID, the time it was recorded and no cause; the facts
it leads to derive theirs from it (streams/records.py). The gateway seals every
request it accepts; problem publishing, tests and benchmarks seal what they
write in its place. It sits below the gateway so that those producers need not
import the HTTP layer.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import Any

from infra.topics import topic_of
from schemas.envelope import Envelope, Record
from schemas.ulid import ulid_from


def now_micros() -> int:
    return time.time_ns() // 1000


class _Entropy:
    """Random bytes drawn from the OS a few kilobytes at a time: a getrandom
    call per id was a syscall (and a release of the GIL) per id. Never the
    same bytes twice: a lock between threads, a fresh pool after a fork."""

    def __init__(self, chunk: int = 4000) -> None:
        self._chunk = chunk
        self._lock = threading.Lock()
        self._pool = b""
        self._at = 0
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._lock = threading.Lock()
        self._pool, self._at = b"", 0

    def take(self, size: int) -> bytes:
        with self._lock:
            if self._at + size > len(self._pool):
                self._pool, self._at = os.urandom(self._chunk), 0
            taken = self._pool[self._at : self._at + size]
            self._at += size
            return taken


_entropy = _Entropy()


def new_event_id(now_us: int) -> str:
    return ulid_from(now_us // 1000, _entropy.take(10))


def build_record(
    model: type[Record],
    payload: Mapping[str, Any],
    *,
    event_id: str,
    key: str,
    producer: str,
    correlation_id: str | None,
    occurred_at: int | None,
    recorded_at: int,
) -> Record:
    """The record as it goes on the log. A command starts a causal chain, so it
    has no causation id; its correlation id defaults to its own event id."""
    envelope = Envelope(
        event_id=event_id,
        type=model.schema_name,
        schema_version=model.schema_version,
        occurred_at=recorded_at if occurred_at is None else occurred_at,
        recorded_at=recorded_at,
        producer=producer,
        key=key,
        correlation_id=correlation_id or event_id,
        causation_id=None,
    )
    return model(envelope=envelope, **payload)


def seal_command(model: type[Record], payload: Mapping[str, Any], producer: str) -> Record:
    """A command sealed now, keyed by its topic's key field: what a producer
    outside HTTP (a test, a benchmark) writes in the gateway's place."""
    spec = topic_of(model.schema_name)
    now = now_micros()
    return build_record(
        model,
        payload,
        event_id=new_event_id(now),
        key=spec.key_of(payload),
        producer=producer,
        correlation_id=None,
        occurred_at=None,
        recorded_at=now,
    )
