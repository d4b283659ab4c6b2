"""Loads many lines through one of the gateway's batch routes (the feed's
NDJSON batch, the music catalog and plays): batches sent a few at a time on
one HTTP client, each until every line in it is answered for itself.

A batch answered 413 is split in two and sent again (the route's body limit
is the gateway's to set); 429 and 503 are retried after the Retry-After the
gateway names, a bounded number of times, and so are the lines the answer
says were not taken for Kafka's sake; a line refused for itself (422, 403)
is a failure, counted and shown, never retried. What a route's body and
answer look like is its `BatchRoute`'s.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

Line = dict[str, Any]
NDJSON = "application/x-ndjson"
# Each wait on the gateway is bounded: a request, a Retry-After, the tries.
REQUEST_TIMEOUT_S = 60.0
MAX_TRIES = 5
MAX_RETRY_AFTER_S = 10.0
SMALLEST_BATCH = 25


@dataclass(frozen=True)
class BatchAnswer:
    """What the gateway said of one batch: lines accepted, lines to send
    again (refused for Kafka, not for themselves), and failures."""

    accepted: int
    again: list[Line]
    failures: list[str]


@dataclass(frozen=True)
class BatchRoute:
    """How one batch route takes lines and answers them."""

    path: str  # under the gateway's URL, e.g. /v1/feed/batch
    content_type: str
    encode: Callable[[list[Line]], bytes]
    # Given the lines sent and the 200 answer's body.
    read_answer: Callable[[list[Line], bytes], BatchAnswer]
    # A line as a failure names it.
    describe: Callable[[Line], str]


def ndjson(lines: list[Line]) -> bytes:
    return b"".join(orjson.dumps(line) + b"\n" for line in lines)


def ndjson_answer(sent: list[Line], body: bytes, describe: Callable[[Line], str]) -> BatchAnswer:
    """Reads gateway/batch.py's NDJSON answer: one line per line sent, in
    order, each with its status (503: not taken by Kafka, to send again)."""
    accepted, again, failures = 0, list[Line](), list[str]()
    results = [orjson.loads(raw) for raw in body.splitlines() if raw.strip()]
    for line, result in zip(sent, results, strict=False):
        status = result.get("status")
        if status == 202:
            accepted += 1
        elif status == 503:
            again.append(line)
        else:
            detail = result.get("error", {}).get("detail", "") if result.get("error") else ""
            failures.append(f"{describe(line)}: {status} {detail}")
    failures += [f"{describe(line)}: no answer" for line in sent[len(results) :]]
    return BatchAnswer(accepted, again, failures)


def ndjson_route(path: str, describe: Callable[[Line], str]) -> BatchRoute:
    """A route of gateway/batch.py's kind: NDJSON lines in, NDJSON answers out."""
    return BatchRoute(
        path, NDJSON, ndjson, lambda sent, body: ndjson_answer(sent, body, describe), describe
    )


def retry_after_s(response: httpx.Response) -> float:
    try:
        wanted = float(response.headers.get("retry-after", "1"))
    except ValueError:
        wanted = 1.0
    return min(max(wanted, 0.1), MAX_RETRY_AFTER_S)


class BatchSender:
    """Sends batches to one route of one gateway with one key; thread-safe
    (one httpx client)."""

    def __init__(
        self,
        gateway_url: str,
        key: str,
        route: BatchRoute,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.gateway_url = gateway_url
        self._route = route
        self._client = httpx.Client(
            timeout=REQUEST_TIMEOUT_S,
            headers={"Authorization": f"Bearer {key}"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, path: str) -> httpx.Response | None:
        """A read with the same key; None when the gateway cannot be reached."""
        try:
            return self._client.get(f"{self.gateway_url}{path}")
        except httpx.HTTPError:
            return None

    def send(self, lines: list[Line]) -> BatchAnswer:
        """Every line sent until answered for itself, or the tries run out."""
        route = self._route
        accepted, failures = 0, list[str]()
        pending = lines
        for _ in range(MAX_TRIES):
            if not pending:
                break
            try:
                response = self._client.post(
                    f"{self.gateway_url}{route.path}",
                    content=route.encode(pending),
                    headers={"Content-Type": route.content_type},
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
                    f"{route.describe(line)}: {response.status_code} {problem}" for line in pending
                ]
                pending = []
                break
            answer = route.read_answer(pending, response.content)
            accepted += answer.accepted
            failures += answer.failures
            pending = answer.again
            if pending:
                time.sleep(retry_after_s(response))
        failures += [f"{route.describe(line)}: unavailable" for line in pending]
        return BatchAnswer(accepted, [], failures)


def batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def send_phase(
    sender: BatchSender,
    lines: Iterable[Line],
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
