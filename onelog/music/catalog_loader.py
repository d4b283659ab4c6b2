"""Loads a generated catalog through the gateway's catalog route (POST
/v1/music/catalog, NDJSON lines naming "command": artist, album or track)
and plays through the plays route (POST /v1/music/plays, up to 1,000 plays
a request as {"plays": [...]}, one answer per play).

The sending, splitting and retrying is onelog/batch_loader.py's; this module
says how the two routes take lines and answer them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import orjson

from onelog.batch_loader import (
    BatchAnswer,
    BatchRoute,
    BatchSender,
    Line,
    ndjson_route,
    send_phase,
)

CATALOG_PATH = "/v1/music/catalog"
PLAYS_PATH = "/v1/music/plays"
# The plays route's most per request (gateway/music/requests.py PLAYS_MAX).
PLAYS_PER_REQUEST = 1_000
FAILURES_SHOWN = 5


@dataclass
class LoadTally:
    accepted: int = 0
    failures: int = 0
    seconds: float = 0.0
    first_failures: list[str] = field(default_factory=list)

    @property
    def lines_per_s(self) -> float:
        return (self.accepted + self.failures) / self.seconds if self.seconds else 0.0

    def add(self, answer: BatchAnswer) -> None:
        self.accepted += answer.accepted
        self.failures += len(answer.failures)
        room = FAILURES_SHOWN - len(self.first_failures)
        self.first_failures += answer.failures[: max(room, 0)]


def _catalog_entry(line: Line) -> str:
    command = line.get("command", "?")
    return f"{command} {line.get(f'{command}_id', '?')}"


CATALOG_ROUTE = ndjson_route(CATALOG_PATH, _catalog_entry)


def _play(line: Line) -> str:
    return f"play {line.get('listener')} {line.get('track_id')} {line.get('started_at_ms')}"


def plays_answer(sent: list[Line], body: bytes) -> BatchAnswer:
    """Reads {"accepted": n, "plays": [{"index", "status", "error"?}, ...]}: a
    503 play is sent again, any other refusal fails."""
    accepted, again, failures = 0, list[Line](), list[str]()
    answers = orjson.loads(body).get("plays", [])
    answered: set[int] = set()
    for answer in answers:
        index = answer.get("index")
        if not isinstance(index, int) or not 0 <= index < len(sent):
            continue
        answered.add(index)
        status = answer.get("status")
        if status == 202:
            accepted += 1
        elif status == 503:
            again.append(sent[index])
        else:
            error = answer.get("error") or {}
            detail = error.get("detail", "")
            fields = ", ".join(e.get("field", "") for e in error.get("errors", []))
            failures.append(f"{_play(sent[index])}: {status} {detail} {fields}".rstrip())
    failures += [f"{_play(line)}: no answer" for i, line in enumerate(sent) if i not in answered]
    return BatchAnswer(accepted, again, failures)


PLAYS_ROUTE = BatchRoute(
    PLAYS_PATH,
    "application/json",
    lambda lines: orjson.dumps({"plays": lines}),
    plays_answer,
    _play,
)


def load(
    gateway_url: str,
    key: str,
    route: BatchRoute,
    lines: Iterable[Line],
    *,
    batch_lines: int,
    parallel: int = 2,
    progress: Callable[[int], None] = lambda lines: None,
) -> LoadTally:
    """Every line through `route`; the tally of what was accepted."""
    tally = LoadTally()
    started = time.monotonic()
    sender = BatchSender(gateway_url, key, route)

    def on_batch(answer: BatchAnswer, size: int) -> None:
        tally.add(answer)
        progress(size)

    try:
        send_phase(sender, lines, batch_lines, parallel, on_batch)
    finally:
        sender.close()
        tally.seconds = time.monotonic() - started
    return tally
