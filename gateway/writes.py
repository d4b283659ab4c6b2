"""The write path: request -> validated command -> sealed record -> Kafka ack -> 202.

`prepare` is the part both a single route and a batch line share: validate,
assign ids, seal the envelope, encode. Each domain's routes build on these
(gateway/<domain>/writes.py), with its own `Authorize`. `write_command` adds what only a
single request has: the rate limit and the Idempotency-Key, in one Redis
round trip (gateway/admission.py), and the answer stored after Kafka's ack.

A 503 means Kafka did not acknowledge the record; once it has, the answer is
a 202 whatever else fails.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.admission import IdempotentRequest
from gateway.auth import ApiKey
from gateway.command import Command
from gateway.idempotency import (
    Claim,
    StoredAnswer,
    request_fingerprint,
    validate_idempotency_key,
)
from gateway.json_response import JSONResponse
from gateway.problems import Problem, field_errors
from gateway.producer import Delivery, KafkaUnavailable
from gateway.services import Services
from schemas.envelope import Record
from schemas.registry import registry
from streams.sealing import build_record, new_event_id, now_micros

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """A command ready to produce, and the ids the caller will be told."""

    command: Command
    record: Record
    value: bytes
    partition_key: str
    ids: dict[str, str]


def validate(
    command: Command, body: Mapping[str, Any], path: Mapping[str, Any], *, path_in_body: bool
) -> tuple[Any, BaseModel | None]:
    """The request model and path parameters, or one 422 naming every field at fault.

    A batch line carries its path parameters in the body, so their errors are
    then named by JSON pointer too.
    """
    errors: list[dict[str, Any]] = []
    path_model: BaseModel | None = None
    request_model: Any = None
    if command.path_params is not None:
        try:
            path_model = command.path_params.model_validate(dict(path))
        except ValidationError as exc:
            errors += field_errors(exc, "body" if path_in_body else "path")
    try:
        request_model = command.request.model_validate(dict(body))
    except ValidationError as exc:
        errors += field_errors(exc, "body")
    if errors:
        names = ", ".join(e["field"] or "(body)" for e in errors)
        raise Problem(422, "validation", f"invalid {command.name}: {names}", errors=errors)
    return request_model, path_model


class Authorize(Protocol):
    """Return if `key` may send the validated command, else raise a 403: it
    acts for the principals the command names (gateway/access.py), and
    whatever else its domain checks."""

    async def __call__(
        self,
        services: Services,
        key: ApiKey,
        command: Command,
        request_model: Any,
        path_model: BaseModel | None,
        *,
        path_in_body: bool,
    ) -> None: ...


def assign_ids(command: Command) -> dict[str, str]:
    """The ids the gateway gives a command's record: its event id and those
    the command assigns (an order id), ULIDs sortable by time."""
    now = now_micros()
    ids = {"event_id": new_event_id(now)}
    for name in command.assigns:
        ids[name] = new_event_id(now)
    return ids


def prepare(
    command: Command,
    request_model: Any,
    path_model: BaseModel | None,
    *,
    producer_id: str,
    correlation_id: str | None,
    ids: Mapping[str, str] | None = None,
) -> Prepared:
    """The command's record, sealed and encoded, with `ids` (new ones if None)."""
    ids = ids if ids is not None else assign_ids(command)
    recorded_at = now_micros()
    payload = command.payload(request_model, path_model, ids)
    partition_key = command.topic.key_of(payload)
    record = build_record(
        command.record,
        payload,
        event_id=ids["event_id"],
        key=partition_key,
        producer=producer_id,
        correlation_id=correlation_id,
        occurred_at=request_model.occurred_at,
        recorded_at=recorded_at,
    )
    return Prepared(command, record, registry().encode(record), partition_key, dict(ids))


def accepted_body(prepared: Prepared, delivery: Delivery) -> dict[str, Any]:
    return {
        **prepared.ids,
        "topic": delivery.topic,
        "partition": delivery.partition,
        "offset": delivery.offset,
    }


def unavailable(services: Services, reason: str, ids: Mapping[str, str]) -> Problem:
    # The ids are told so a client can recognise its command should it reach
    # the log after all; a retry under the same Idempotency-Key reuses them.
    return Problem(
        503,
        "kafka-unavailable",
        f"the command was not accepted: {reason}",
        headers={"Retry-After": str(services.config.unavailable_retry_after_s)},
        extensions=ids,
    )


async def send(services: Services, prepared: Prepared) -> Delivery:
    topic = prepared.command.topic.name
    try:
        delivery = await services.producer.send(topic, prepared.partition_key, prepared.value)
    except KafkaUnavailable:
        services.metrics.produce_failures.labels(topic).inc()
        raise
    services.metrics.produce_latency.labels(topic).observe(delivery.latency_s)
    return delivery


def correlation_id_of(request: Request) -> str | None:
    value = request.headers.get("x-correlation-id")
    if value is None:
        return None
    if not 1 <= len(value) <= 128 or not value.isascii() or not value.isprintable():
        raise Problem(
            400,
            "invalid-correlation-id",
            "X-Correlation-Id must be 1-128 printable ASCII characters",
            errors=[{"parameter": "X-Correlation-Id", "detail": "invalid header value"}],
        )
    return value


def idempotent_request(request: Request, body: Any) -> IdempotentRequest | None:
    """The request's Idempotency-Key and fingerprint, if it sent one (else None)."""
    idempotency_key = request.headers.get("idempotency-key")
    if idempotency_key is None:
        return None
    return IdempotentRequest(
        validate_idempotency_key(idempotency_key),
        request_fingerprint(request.method, request.url.path, body),
    )


async def write_command(
    request: Request,
    services: Services,
    key: ApiKey,
    command: Command,
    body: dict[str, Any],
    request_model: BaseModel,
    path_model: BaseModel | None,
    resolved: Mapping[str, Any] | None = None,
) -> Response:
    """Write a validated command: rate limit and Idempotency-Key, produce, 202
    with where it landed.

    `resolved` holds fields the gateway decided (a problem's revision, say):
    they go into the record and into the answer.
    """
    correlation_id = correlation_id_of(request)
    idempotent = idempotent_request(request, body)
    ids = assign_ids(command)
    with services.backlog.holding(1):
        admitted = await services.admission.admit(key, ids, idempotent)
        if isinstance(admitted, StoredAnswer):
            return JSONResponse(
                admitted.body, admitted.status, headers={"Idempotent-Replayed": "true"}
            )
        claim = admitted
        if claim is not None:
            ids.update(claim.reserved_ids)
        prepared = prepare(
            _with_resolved(command, resolved) if resolved else command,
            request_model,
            path_model,
            producer_id=key.key_id,
            correlation_id=correlation_id,
            ids=ids,
        )
        try:
            delivery = await send(services, prepared)
        except KafkaUnavailable as exc:
            if claim is not None:
                await services.idempotency.fail(claim, prepared.ids)
            raise unavailable(services, str(exc), prepared.ids) from exc
        except BaseException:
            # Cancelled (client gone) or worse: the record may still reach the
            # log, so a retry must reuse these ids rather than wait out a pending claim.
            if claim is not None:
                await services.idempotency.fail(claim, prepared.ids)
            raise
    answer = {**accepted_body(prepared, delivery), **(resolved or {})}
    if claim is not None:
        await _store_answer(services, claim, answer)
    return JSONResponse(answer, 202)


async def _store_answer(services: Services, claim: Claim, answer: dict[str, Any]) -> None:
    """Kafka has the record, so the answer is a 202 even if Redis fails now:
    the claim then stays pending until its time is up, and a retry after
    that takes it over with the same ids, which processors drop as a
    duplicate."""
    try:
        await services.idempotency.complete(claim, 202, answer)
    except RedisError as exc:
        log.warning("could not store the answer of event %s: %s", answer.get("event_id"), exc)


def _with_resolved(command: Command, resolved: Mapping[str, Any]) -> Command:
    payload = command.payload

    def resolved_payload(request: Any, path: Any, ids: Mapping[str, str]) -> dict[str, Any]:
        return {**payload(request, path, ids), **resolved}

    return replace(command, payload=resolved_payload)
