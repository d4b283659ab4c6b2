"""A deployment's progress as numbered events: which to send a client that
has seen up to `last_seq`. Pure; gateway/deploy/reads.py streams them.

Every fact of a deployment has a seq (1, 2, ... in the order the projector
applied them); the read model keeps the latest of them. A client that
reconnects with Last-Event-ID n gets the facts after n, or, when the kept
ones no longer reach back to n + 1, a fresh snapshot: never a silent gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gateway.problems import Problem

# A deployment in one of these moves no more: its stream ends.
FINAL_STATUSES = frozenset({"succeeded", "rolled_back", "dequeued", "rejected"})


def last_event_id(header: str | None) -> int | None:
    """The seq a reconnecting client saw last (its Last-Event-ID), or None."""
    if header is None or header == "":
        return None
    if not header.isascii() or not header.isdigit() or len(header) > 18:
        raise Problem(
            400,
            "invalid-last-event-id",
            "Last-Event-ID must be the id of an event this stream sent (a whole number)",
            errors=[{"parameter": "Last-Event-ID", "detail": "not a whole number"}],
        )
    return int(header)


def missed(events: Iterable[Mapping[str, Any]], last_seq: int) -> list[Mapping[str, Any]] | None:
    """The events after `last_seq`, in seq order; None if those kept start
    later than `last_seq + 1` (the gap cannot be filled: send a snapshot)."""
    after = sorted((e for e in events if _seq(e) > last_seq), key=_seq)
    if after and _seq(after[0]) != last_seq + 1:
        return None
    return after


def is_final(deployment: Mapping[str, Any]) -> bool:
    return deployment.get("status") in FINAL_STATUSES


def _seq(event: Mapping[str, Any]) -> int:
    seq = event.get("seq")
    return seq if isinstance(seq, int) else -1
