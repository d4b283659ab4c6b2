"""Loads a generated social graph through the gateway's NDJSON batch route
(POST /v1/feed/batch), phase by phase: members, then (once the read model
shows members) follows, then posts.

The sending, splitting and retrying is onelog/batch_loader.py's (shared
with the music loaders); this module says how the feed's route takes lines
(NDJSON, gateway/batch.py's kind) and what a line is called in a failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from onelog import batch_loader
from onelog.batch_loader import (
    BatchAnswer,
    batches,
    ndjson_answer,
    ndjson_route,
    send_phase,
)
from onelog.feed.graph_generator import GraphShape, follow_lines, member_lines, post_lines

FAILURES_SHOWN = 5
# The shared loader's parts are re-exported: the bench and the tests take them from here.
__all__ = [
    "FEED_BATCH",
    "BatchAnswer",
    "BatchSender",
    "LoadSummary",
    "answered",
    "batches",
    "load_graph",
    "members_to_watch",
    "send_phase",
    "wait_for_members",
]


@dataclass
class LoadSummary:
    members: int = 0
    follows: int = 0
    posts: int = 0
    failures: int = 0
    seconds: float = 0.0
    first_failures: list[str] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.members + self.follows + self.posts

    @property
    def lines_per_s(self) -> float:
        return (self.lines + self.failures) / self.seconds if self.seconds else 0.0

    def failed(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.failures += 1
            if len(self.first_failures) < FAILURES_SHOWN:
                self.first_failures.append(line)


def _describe(line: dict[str, Any]) -> str:
    return f"{line.get('command')} {line.get('member')}"


def answered(sent: list[dict[str, Any]], body: bytes) -> BatchAnswer:
    """Reads the batch route's NDJSON answer: one line per line sent, in order."""
    return ndjson_answer(sent, body, _describe)


FEED_BATCH = ndjson_route("/v1/feed/batch", _describe)


class BatchSender(batch_loader.BatchSender):
    """The shared sender on the feed's batch route."""

    def __init__(
        self, gateway_url: str, key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__(gateway_url, key, FEED_BATCH, transport)

    def member_known(self, gateway_url: str, member: str) -> bool:
        response = self.get(f"/v1/feed/members/{member}")
        return response is not None and response.status_code == 200


def members_to_watch(shape: GraphShape, how_many: int = 8) -> list[str]:
    """Members spread over the whole creation: once all are known, the
    partitions before them are likely decided too."""
    n = shape.members
    indexes = sorted({min(n - 1, i * n // how_many) for i in range(how_many)} | {n - 1})
    return [shape.member_id(i) for i in indexes]


def wait_for_members(
    sender: BatchSender, gateway_url: str, members: list[str], timeout_s: float
) -> bool:
    """Until the read model shows every one of `members`, at most timeout_s."""
    deadline = time.monotonic() + timeout_s
    waiting = list(members)
    while waiting and time.monotonic() < deadline:
        waiting = [m for m in waiting if not sender.member_known(gateway_url, m)]
        if waiting:
            time.sleep(0.5)
    return not waiting


def load_graph(
    gateway_url: str,
    key: str,
    shape: GraphShape,
    *,
    batch_lines: int = 500,
    parallel: int = 2,
    members_wait_s: float = 300.0,
    progress: Callable[[str, int], None] = lambda phase, lines: None,
    note: Callable[[str], None] = lambda text: None,
) -> LoadSummary:
    """The graph through the batch route; the summary of what was accepted."""
    summary = LoadSummary()
    started = time.monotonic()
    sender = BatchSender(gateway_url, key)

    def counting(phase: str) -> Callable[[BatchAnswer, int], None]:
        def on_batch(answer: BatchAnswer, size: int) -> None:
            setattr(summary, phase, getattr(summary, phase) + answer.accepted)
            summary.failed(answer.failures)
            progress(phase, size)

        return on_batch

    try:
        send_phase(sender, member_lines(shape), batch_lines, parallel, counting("members"))
        # A follow names two members, each decided on its own partition: the
        # followee must be known there before its FollowRequested arrives.
        if not wait_for_members(sender, gateway_url, members_to_watch(shape), members_wait_s):
            note(f"members not all shown within {members_wait_s:.0f}s; following anyway")
        send_phase(sender, follow_lines(shape), batch_lines, parallel, counting("follows"))
        send_phase(sender, post_lines(shape), batch_lines, parallel, counting("posts"))
    finally:
        sender.close()
        summary.seconds = time.monotonic() - started
    return summary
