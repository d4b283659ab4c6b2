"""POST /v1/music/plays: up to 1,000 plays a request, of any listeners the
key acts for, one answer per play.

The lean path for high-volume producers (docs/music.md, the aim is 50,000
plays/s): one validation pass over the list (gateway/music/play_lines.py),
one Redis round trip for the catalog stamps of every distinct track the
ends name, records encoded from plain dicts by hand-written writers
(gateway/music/play_codec.py), and one wait for Kafka's
acknowledgements of the lot (gateway/producer.py DeliveryBatch), as the
NDJSON batch does. Each play is checked as a route checks a request: its
fields (a 422 naming `plays.<i>.<field>`) and its listener (a 403 naming
`plays.<i>.listener`); a bad play fails alone, and the answer is a 200 with
a status per play, in order.

A track the catalog lacks is not refused here: the end is stamped with no
duration or artist and the play stage decides it `unknown_track`, on the
log, where an audit finds it (and a catalog that learns the track later
cannot change a decision already made).

Idempotency-Key is refused, as on every batch: a retried play is the same
(listener, track_id, started_at_ms), which the play stage counts once.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from gateway.json_body import check_media_type, parse_object
from gateway.music.commands import WRITE
from gateway.music.play_codec import encode_play
from gateway.music.play_lines import (
    checked_plays,
    envelope,
    foreign_listener,
    missing_ms_played,
    play_record,
)
from gateway.music.principal import LISTENER
from gateway.music.requests import PLAYS_MAX, PlaysRequest
from gateway.music.writes import music_read_model
from gateway.problems import Problem, invalid
from gateway.producer import Delivery, DeliveryBatch, KafkaUnavailable
from gateway.services import Services, admitted
from gateway.writes import correlation_id_of
from schemas.envelope import Record
from schemas.music.topics import MUSIC_PLAYS
from streams.sealing import new_event_id, now_micros

TOPIC = MUSIC_PLAYS.name


def _plays_of(body: dict[str, Any]) -> list[Any]:
    raw = body.get("plays")
    if set(body) != {"plays"} or not isinstance(raw, list) or not 1 <= len(raw) <= PLAYS_MAX:
        # The request's own shape is wrong: pydantic names what (a 1,001st play too).
        try:
            PlaysRequest.model_validate(body)
        except ValidationError as exc:
            raise invalid(exc, "body") from exc
    assert isinstance(raw, list)  # what the model refuses otherwise
    return raw


def _failed(index: int, problem: Problem) -> dict[str, Any]:
    return {"index": index, "status": problem.status, "error": problem.body()}


async def plays(request: Request) -> Response:
    """{"accepted": n, "plays": [{"index", "status", ...}]}: one answer per play."""
    services, key = await admitted(request, WRITE)
    check_media_type(request.headers.get("content-type"))
    if request.headers.get("idempotency-key") is not None:
        raise Problem(
            400,
            "idempotency-not-supported",
            "Idempotency-Key is not supported on /plays: a play is its (listener, track_id, "
            "started_at_ms), counted once however often it is sent; retry the failed plays",
        )
    correlation_id = correlation_id_of(request)
    raw = _plays_of(parse_object(await request.body()))
    valid, problems = checked_plays(raw)

    operator = LISTENER.operator_scope in key.scopes
    granted = LISTENER.granted(key)
    sendable: list[tuple[int, Any]] = []
    for index, play in valid:
        if not operator and play.listener not in granted:
            problems[index] = foreign_listener(index, play.listener, granted)
        elif play.kind != "started" and play.ms_played is None:
            problems[index] = missing_ms_played(index)
        else:
            sendable.append((index, play))

    ends = (play.track_id for _, play in sendable if play.kind != "started")
    stamps = await music_read_model(services).track_stamps(ends)
    answers: dict[int, dict[str, Any]] = {i: _failed(i, p) for i, p in problems.items()}
    sent = await _produce(services, key.key_id, correlation_id, sendable, stamps, answers)
    accepted = sum(1 for a in answers.values() if a["status"] == 202)
    headers = {}
    if sent and accepted < sent:
        headers["Retry-After"] = str(services.config.unavailable_retry_after_s)
    body = {"accepted": accepted, "plays": [answers[i] for i in range(len(raw))]}
    return Response(orjson.dumps(body), 200, media_type="application/json", headers=headers)


async def _produce(
    services: Services,
    producer_id: str,
    correlation_id: str | None,
    sendable: list[tuple[int, Any]],
    stamps: Any,
    answers: dict[int, dict[str, Any]],
) -> int:
    """Produce every sendable play and await the acks of the lot; fill `answers`."""
    producer = services.producer
    deliveries = DeliveryBatch()
    recorded_at = now_micros()
    event_ids: dict[int, str] = {}
    with services.backlog.holding(len(sendable)):
        for index, play in sendable:
            model: type[Record]
            model, payload = play_record(play, stamps)
            event_id = new_event_id(recorded_at)
            payload["envelope"] = envelope(
                model,
                event_id=event_id,
                key=play.listener,
                producer=producer_id,
                correlation_id=correlation_id,
                recorded_at=recorded_at,
            )
            value = encode_play(model, payload)
            try:
                producer.produce(TOPIC, play.listener, value, deliveries.settler(index))
            except KafkaUnavailable as refused:
                answers[index] = _unavailable(index, event_id, str(refused))
                continue
            event_ids[index] = event_id
        outcomes = await deliveries.settled(producer.report_wait_s)

    latency = services.metrics.produce_latency.labels(TOPIC)
    for index, event_id in event_ids.items():
        outcome = outcomes.get(index, KafkaUnavailable("no delivery report in time"))
        if isinstance(outcome, Delivery):
            answers[index] = {"index": index, "status": 202, "event_id": event_id,
                              "partition": outcome.partition, "offset": outcome.offset}  # fmt: skip
            latency.observe(outcome.latency_s)
        else:
            answers[index] = _unavailable(index, event_id, str(outcome))
            services.metrics.produce_failures.labels(TOPIC).inc()
    return len(sendable)


def _unavailable(index: int, event_id: str, reason: str) -> dict[str, Any]:
    refused = Problem(503, "kafka-unavailable", f"not accepted: {reason}")
    return {**_failed(index, refused), "event_id": event_id}
