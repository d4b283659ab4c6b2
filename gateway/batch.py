"""POST <domain>/batch: many commands of one domain's table in one NDJSON request.

Each line is `{"command": "<name>", ...fields}`, path parameters included
(e.g. a deposit line has account_id). One pass over the lines parses,
validates and hands each valid one to the producer; then the batch awaits
all their acknowledgements together (one future for the lot, no task per
line), so a batch costs about one round trip, not one per line. The answer
is NDJSON too, one line per input
line in order, each with its own status: a bad line fails alone. Each line is
checked as its route checks a request: the scope, the fields, and the account
it acts for (the domain's `Authorize`, gateway/writes.py).

Idempotency-Key is refused here: a key names one answer, and a batch's answer
is many; retry the lines that failed instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.auth import ApiKey
from gateway.command import Command
from gateway.json_body import check_media_type, parse_object
from gateway.operation import Endpoint
from gateway.problems import Problem
from gateway.producer import Delivery, DeliveryBatch, KafkaUnavailable
from gateway.services import Services, admitted
from gateway.writes import (
    Authorize,
    Prepared,
    accepted_body,
    assign_ids,
    correlation_id_of,
    prepare,
    validate,
)

NDJSON = "application/x-ndjson"


async def _prepare_line(
    raw: bytes,
    services: Services,
    key: ApiKey,
    correlation_id: str | None,
    by_name: Mapping[str, Command],
    authorize: Authorize,
) -> Prepared:
    fields = parse_object(raw)
    name = fields.pop("command", None)
    command: Command | None = by_name.get(name) if isinstance(name, str) else None
    if command is None:
        raise Problem(
            422,
            "validation",
            f"unknown command {name!r}",
            errors=[{"pointer": "#/command", "field": "command",
                     "detail": f"one of {sorted(by_name)}"}],
        )  # fmt: skip
    if command.scope not in key.scopes:
        raise Problem(403, "insufficient-scope", f"this key lacks the scope {command.scope!r}")
    path = {f: fields.pop(f) for f in command.path_fields if f in fields}
    request_model, path_model = validate(command, fields, path, path_in_body=True)
    await authorize(services, key, command, request_model, path_model, path_in_body=True)
    return prepare(
        command,
        request_model,
        path_model,
        producer_id=key.key_id,
        correlation_id=correlation_id,
        ids=assign_ids(command),
    )


def _error_line(line: int, problem: Problem) -> dict[str, Any]:
    return {"line": line, "status": problem.status, "error": problem.body()}


def _refused_line(line: int, prepared: Prepared, reason: str) -> dict[str, Any]:
    refused = Problem(503, "kafka-unavailable", f"not accepted: {reason}")
    return {**_error_line(line, refused), **prepared.ids}


def ndjson_batch(commands: Sequence[Command], scope: str, authorize: Authorize) -> Endpoint:
    """The batch endpoint of a domain's command table: lines name a command of
    `commands`; the request needs `scope`, each line its command's scope."""
    by_name = {c.name: c for c in commands}

    async def batch_endpoint(request: Request) -> Response:
        return await _answer(request, scope, by_name, authorize)

    return batch_endpoint


async def _answer(
    request: Request, scope: str, by_name: Mapping[str, Command], authorize: Authorize
) -> Response:
    services, key = await admitted(request, scope)
    check_media_type(request.headers.get("content-type"))
    if request.headers.get("idempotency-key") is not None:
        raise Problem(
            400,
            "idempotency-not-supported",
            "Idempotency-Key is not supported on /batch; retry only the failed lines",
        )
    correlation_id = correlation_id_of(request)
    lines = (await request.body()).split(b"\n")
    numbered = [(n, raw) for n, raw in enumerate(lines, start=1) if raw.strip()]
    if len(numbered) > services.config.max_batch_lines:
        raise Problem(
            413, "batch-too-large", f"at most {services.config.max_batch_lines} lines per batch"
        )
    if not numbered:
        raise Problem(400, "empty-batch", "send one JSON command per line")

    results: list[dict[str, Any]] = []
    produced: list[tuple[int, Prepared]] = []  # (index in results, line)
    deliveries = DeliveryBatch()
    producer = services.producer
    with services.backlog.holding(len(numbered)):
        for n, raw in numbered:
            try:
                prepared = await _prepare_line(
                    raw, services, key, correlation_id, by_name, authorize
                )
                producer.produce(
                    prepared.command.topic.name,
                    prepared.partition_key,
                    prepared.value,
                    deliveries.settler(len(results)),
                )
            except Problem as problem:
                results.append(_error_line(n, problem))
                continue
            except KafkaUnavailable as refused:
                results.append(_refused_line(n, prepared, str(refused)))
                continue
            produced.append((len(results), prepared))
            results.append({"line": n})
        outcomes = await deliveries.settled(producer.report_wait_s)

    metrics = services.metrics
    latency = {
        t: metrics.produce_latency.labels(t) for t in {p.command.topic.name for _, p in produced}
    }
    for index, prepared in produced:
        outcome = outcomes.get(index, KafkaUnavailable("no delivery report in time"))
        topic = prepared.command.topic.name
        line = results[index]["line"]
        if isinstance(outcome, Delivery):
            results[index] = {"line": line, "status": 202, **accepted_body(prepared, outcome)}
            latency[topic].observe(outcome.latency_s)
        else:
            results[index] = _refused_line(line, prepared, str(outcome))
            metrics.produce_failures.labels(topic).inc()

    body = b"".join(orjson.dumps(result) + b"\n" for result in results)
    headers = {}
    if any(r["status"] == 503 for r in results):
        headers["Retry-After"] = str(services.config.unavailable_retry_after_s)
    return Response(body, 200, media_type=NDJSON, headers=headers)
