"""Loads a generated social graph through the gateway's NDJSON batch route
(POST /v1/feed/batch), phase by phase: members, then (once the read model
shows members) follows, then posts.

Batches go out a few at a time on one HTTP client. A batch answered 413 is
split in two and sent again (the route's body limit is the gateway's to
set); 429 and 503 are retried after the Retry-After the gateway names, a
bounded number of times; a line refused for itself (422, 403) is a failure,
counted and shown, never retried.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from onelog.feed.graph_generator import GraphShape, follow_lines, member_lines, post_lines

NDJSON = "application/x-ndjson"
# Each wait on the gateway is bounded: a request, a Retry-After, the tries.
REQUEST_TIMEOUT_S = 60.0
MAX_TRIES = 5
MAX_RETRY_AFTER_S = 10.0
SMALLEST_BATCH = 25
FAILURES_SHOWN = 5


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


@dataclass(frozen=True)
class BatchAnswer:
    """What the gateway said of one batch: lines accepted, lines to send
    again (refused for Kafka, not for themselves), and failures."""

    accepted: int
    again: list[dict[str, Any]]
    failures: list[str]


def answered(sent: list[dict[str, Any]], body: bytes) -> BatchAnswer:
    """Reads the batch route's NDJSON answer: one line per line sent, in order."""
    accepted, again, failures = 0, list[dict[str, Any]](), list[str]()
    results = [orjson.loads(raw) for raw in body.splitlines() if raw.strip()]
    for line, result in zip(sent, results, strict=False):
        status = result.get("status")
        if status == 202:
            accepted += 1
        elif status == 503:
            again.append(line)
        else:
            detail = result.get("error", {}).get("detail", "") if result.get("error") else ""
            failures.append(f"{line.get('command')} {line.get('member')}: {status} {detail}")
    missing = sent[len(results) :]
    failures += [f"{line.get('command')} {line.get('member')}: no answer" for line in missing]
    return BatchAnswer(accepted, again, failures)


def retry_after_s(response: httpx.Response) -> float:
    try:
        wanted = float(response.headers.get("retry-after", "1"))
    except ValueError:
        wanted = 1.0
    return min(max(wanted, 0.1), MAX_RETRY_AFTER_S)


class BatchSender:
    """Sends batches to one gateway with one key; thread-safe (one httpx client)."""

    def __init__(
        self, gateway_url: str, key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._url = f"{gateway_url}/v1/feed/batch"
        self._client = httpx.Client(
            timeout=REQUEST_TIMEOUT_S,
            headers={"Authorization": f"Bearer {key}", "Content-Type": NDJSON},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def send(self, lines: list[dict[str, Any]]) -> BatchAnswer:
        """Every line sent until answered for itself, or the tries run out."""
        accepted, failures = 0, list[str]()
        pending = lines
        for _ in range(MAX_TRIES):
            if not pending:
                break
            try:
                response = self._client.post(
                    self._url, content=b"".join(orjson.dumps(line) + b"\n" for line in pending)
                )
            except httpx.HTTPError:
                time.sleep(1.0)
                continue
            if response.status_code == 413 and len(pending) > SMALLEST_BATCH:
                half = len(pending) // 2
                first, second = self.send(pending[:half]), self.send(pending[half:])
                return BatchAnswer(
                    accepted + first.accepted + second.accepted,
                    [],
                    failures + first.failures + second.failures,
                )
            if response.status_code in (429, 503):
                time.sleep(retry_after_s(response))
                continue
            if response.status_code != 200:
                problem = response.text[:200]
                failures += [
                    f"{line.get('command')}: {response.status_code} {problem}" for line in pending
                ]
                pending = []
                break
            answer = answered(pending, response.content)
            accepted += answer.accepted
            failures += answer.failures
            pending = answer.again
            if pending:
                time.sleep(retry_after_s(response))
        failures += [f"{line.get('command')} {line.get('member')}: unavailable" for line in pending]
        return BatchAnswer(accepted, [], failures)

    def member_known(self, gateway_url: str, member: str) -> bool:
        try:
            response = self._client.get(f"{gateway_url}/v1/feed/members/{member}")
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def batches(lines: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def send_phase(
    sender: BatchSender,
    lines: Iterable[dict[str, Any]],
    batch_lines: int,
    parallel: int,
    on_batch: Callable[[BatchAnswer, int], None],
) -> None:
    """Every line, `parallel` batches in flight at most; on_batch(answer, lines sent) each."""
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        in_flight: list[tuple[Future[BatchAnswer], int]] = []
        for batch in batches(lines, batch_lines):
            in_flight.append((pool.submit(sender.send, batch), len(batch)))
            while len(in_flight) >= parallel * 2:
                done, size = in_flight.pop(0)
                on_batch(done.result(), size)
        for done, size in in_flight:
            on_batch(done.result(), size)


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
