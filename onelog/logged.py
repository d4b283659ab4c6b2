"""A record as an audit reads it: decoded, with where it sits on the log."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.envelope import Record


@dataclass(frozen=True)
class Logged:
    topic: str
    partition: int
    offset: int
    record: Record
