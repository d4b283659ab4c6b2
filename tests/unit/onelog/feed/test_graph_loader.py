"""The graph loader's reading of the batch route's answers and its retries
(a gateway stand-in answering as gateway/batch.py does)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from onelog.feed.graph_generator import GraphShape
from onelog.feed.graph_loader import BatchSender, answered, batches, members_to_watch


def _lines(n: int) -> list[dict[str, Any]]:
    return [{"command": "follow", "member": f"m{i}", "other": "star"} for i in range(n)]


def _ndjson(results: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(result) + b"\n" for result in results)


def test_an_answer_counts_accepted_lines_retries_503_and_fails_the_rest() -> None:
    sent = _lines(4)
    body = _ndjson(
        [
            {"line": 1, "status": 202, "event_id": "e"},
            {"line": 2, "status": 503, "error": {"detail": "not accepted"}},
            {"line": 3, "status": 422, "error": {"detail": "bad other"}},
        ]
    )
    answer = answered(sent, body)
    assert answer.accepted == 1
    assert answer.again == [sent[1]]
    assert answer.failures == ["follow m2: 422 bad other", "follow m3: no answer"]


def test_a_batch_too_large_is_split_and_a_503_line_sent_again() -> None:
    seen: list[int] = []
    refused_once: set[bytes] = set()

    def gateway(request: httpx.Request) -> httpx.Response:
        raw = [line for line in request.content.splitlines() if line]
        seen.append(len(raw))
        if len(raw) > 40:
            return httpx.Response(413, json={"title": "too large"})
        results = []
        for n, line in enumerate(raw, start=1):
            if b'"m7"' in line and line not in refused_once:
                refused_once.add(line)
                results.append({"line": n, "status": 503})
            else:
                results.append({"line": n, "status": 202})
        return httpx.Response(200, content=_ndjson(results), headers={"Retry-After": "0"})

    sender = BatchSender("http://gw", "k", transport=httpx.MockTransport(gateway))
    answer = sender.send(_lines(100))
    sender.close()
    assert (answer.accepted, answer.failures) == (100, [])
    # Halved until the gateway takes it: 100 and 50 refused, 25 taken.
    assert seen[:3] == [100, 50, 25]
    # The line refused for Kafka went again, alone.
    assert 1 in seen


def test_a_refused_request_fails_its_lines_once_without_retrying() -> None:
    calls = []

    def gateway(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(403, json={"title": "insufficient scope"})

    sender = BatchSender("http://gw", "k", transport=httpx.MockTransport(gateway))
    answer = sender.send(_lines(3))
    sender.close()
    assert answer.accepted == 0 and len(answer.failures) == 3 and len(calls) == 1


def test_batches_and_the_members_watched() -> None:
    assert [len(b) for b in batches(_lines(5), 2)] == [2, 2, 1]
    watched = members_to_watch(GraphShape(members=100))
    assert watched[0] == "m000000" and watched[-1] == "m000099" and len(set(watched)) == 9
