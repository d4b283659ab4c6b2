"""The shared batch loader on a route of its own shape (a JSON body, a JSON
answer): 429 waited out, lines the answer gives back sent again, the rest
failed once (a gateway stand-in)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from onelog.batch_loader import BatchAnswer, BatchRoute, BatchSender, send_phase


def _read(sent: list[dict[str, Any]], body: bytes) -> BatchAnswer:
    statuses = orjson.loads(body)["statuses"]
    again = [line for line, status in zip(sent, statuses, strict=True) if status == 503]
    failures = [f"n{line['n']}: {s}" for line, s in zip(sent, statuses, strict=True) if s == 422]
    return BatchAnswer(statuses.count(202), again, failures)


ROUTE = BatchRoute(
    "/v1/things",
    "application/json",
    lambda lines: orjson.dumps({"things": lines}),
    _read,
    lambda line: f"n{line['n']}",
)


def test_a_429_is_waited_out_and_a_line_given_back_is_sent_again() -> None:
    calls: list[list[int]] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/things"
        sent = [line["n"] for line in orjson.loads(request.content)["things"]]
        calls.append(sent)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"})
        statuses = [503 if n == 3 and len(calls) == 2 else 422 if n == 5 else 202 for n in sent]
        return httpx.Response(200, json={"statuses": statuses}, headers={"Retry-After": "0"})

    sender = BatchSender("http://gw", "k", ROUTE, transport=httpx.MockTransport(gateway))
    answer = sender.send([{"n": n} for n in range(6)])
    sender.close()
    assert answer == BatchAnswer(5, [], ["n5: 422"])
    assert calls == [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [3]]


def test_send_phase_answers_every_batch_once() -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        n = len(orjson.loads(request.content)["things"])
        return httpx.Response(200, json={"statuses": [202] * n})

    sender = BatchSender("http://gw", "k", ROUTE, transport=httpx.MockTransport(gateway))
    sizes: list[int] = []
    send_phase(sender, ({"n": n} for n in range(25)), 10, 2, lambda a, size: sizes.append(size))
    sender.close()
    assert sorted(sizes) == [5, 10, 10]
