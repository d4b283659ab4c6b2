"""GET routes of /v1/deploy: deployments, services, releases (Redis), the
DORA figures (ClickHouse, through the analytics endpoint), and a
deployment's progress as Server-Sent Events.

Every read names a service or a deployment, and a key sees only the services
it acts for (or all, with deploy:operator): a service it does not act for is
a 403 naming `service`, a deployment of such a service a 403 naming
`deployment_id` (as another account's order or another learner's
submission); an unknown one is a 404. A deployment or release id the gateway
has just issued is waited for until the projector shows it
(gateway/deploy/issued.py); any other unknown id is a 404 at once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from redis.asyncio.client import PubSub
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.deploy.commands import READ
from gateway.deploy.dora import dora_rows
from gateway.deploy.issued import shown_within
from gateway.deploy.principal import SERVICE
from gateway.deploy.progress import is_final, last_event_id, missed
from gateway.deploy.read_model import (
    DeployReads,
    deploy_read_model,
    issued_ids,
    keys_deployment,
    unknown_deployment,
)
from gateway.deploy.requests import (
    DeploymentQuery,
    DoraQuery,
    HistoryQuery,
    ReleaseQuery,
    ServiceQuery,
)
from gateway.json_response import JSONResponse
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import admitted
from gateway.sse import KEEPALIVE, decode_message, event_stream, sse_event, subscribed_snapshot


async def deployment(request: Request) -> Response:
    """A deployment: status, release and versions, waves, regions, hosts."""
    services, key = await admitted(request, READ)
    query = parameters(request, DeploymentQuery)
    found = await keys_deployment(
        deploy_read_model(services), issued_ids(services), key, query.deployment_id
    )
    if found is None:
        raise unknown_deployment(query.deployment_id)
    return JSONResponse(found)


async def service(request: Request) -> Response:
    """A service: current version, hosts and regions, active and queued deployments."""
    services, key = await admitted(request, READ)
    query = parameters(request, ServiceQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    found = await deploy_read_model(services).service(query.service)
    if found is None:
        raise Problem(404, "unknown-service", f"no service {query.service!r}")
    return JSONResponse(found)


async def history(request: Request) -> Response:
    """{"deployments": [summary...]}: the latest `limit`, newest first."""
    services, key = await admitted(request, READ)
    query = parameters(request, HistoryQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    page = await deploy_read_model(services).deployments(query.service, limit=query.limit)
    return JSONResponse({"deployments": page})


async def releases(request: Request) -> Response:
    """{"releases": [release...]}: a service's releases, newest first, with build status."""
    services, key = await admitted(request, READ)
    query = parameters(request, ServiceQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    return JSONResponse({"releases": await deploy_read_model(services).releases(query.service)})


async def release(request: Request) -> Response:
    services, key = await admitted(request, READ)
    query = parameters(request, ReleaseQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    model = deploy_read_model(services)
    found = await model.release(query.release_id)
    if found is None:
        fresh = await issued_ids(services).issued("release", query.release_id)
        if fresh is not None and fresh.service == query.service:
            found = await shown_within(
                lambda: model.release(query.release_id), None, fresh.wait_left_s
            )
    if found is None or found.get("service") != query.service:
        raise Problem(
            404, "unknown-release", f"no release {query.release_id!r} of {query.service!r}"
        )
    return JSONResponse(found)


async def dora(request: Request) -> Response:
    """{"service", "weeks": [{week, deployments, lead_time_ms, change_failure_rate,
    time_to_restore_ms, ...}]}"""
    _, key = await admitted(request, READ)
    query = parameters(request, DoraQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    rows = await dora_rows(request.state.analytics, query.service)
    return JSONResponse({"service": query.service, "weeks": rows})


async def deployment_stream(request: Request) -> Response:
    """SSE of a deployment's progress. Without Last-Event-ID: a `snapshot`
    event (the deployment as GET shows it, id = its seq), then a `progress`
    event per fact (id = the fact's seq). With Last-Event-ID n: the facts
    after n, or a snapshot if they are no longer all kept. The stream ends
    once the deployment is final and every fact up to then is sent.

    Pub/sub may lose or repeat a message: a seq at or below the last sent is
    dropped, a gap is filled from the read model's kept facts, and a quiet
    stream looks at the read model again.
    """
    services, key = await admitted(request, READ)
    query = parameters(request, DeploymentQuery)
    resume_after = last_event_id(request.headers.get("last-event-id"))
    model, issued = deploy_read_model(services), issued_ids(services)
    pubsub = services.redis.pubsub()
    snapshot = await subscribed_snapshot(
        pubsub,
        model.deployment_channel(query.deployment_id),
        lambda: keys_deployment(model, issued, key, query.deployment_id),
    )
    if snapshot is None:
        raise unknown_deployment(query.deployment_id)
    keepalive_s = services.config.stream_keepalive_s
    return event_stream(
        _progress_events(pubsub, model, query.deployment_id, snapshot, resume_after, keepalive_s),
        services.config.stream_max_s,
        keepalive_s,
    )


async def _catch_up(
    model: DeployReads, deployment_id: str, current: dict[str, Any], last_seq: int
) -> tuple[list[str], int]:
    """The events taking a client from `last_seq` to `current` (the read
    model's deployment), and the seq it is then at."""
    seq = int(current.get("seq", 0))
    if seq <= last_seq:
        return [], last_seq
    kept = missed(await model.events(deployment_id, last_seq), last_seq)
    if kept is None or not kept:
        return [sse_event("snapshot", current, seq)], seq
    sent = [sse_event("progress", dict(event), int(event["seq"])) for event in kept]
    return sent, int(kept[-1]["seq"])


async def _progress_events(
    pubsub: PubSub,
    model: DeployReads,
    deployment_id: str,
    snapshot: dict[str, Any],
    resume_after: int | None,
    keepalive_s: float,
) -> AsyncGenerator[str, None]:
    try:
        if resume_after is None:
            last_seq = int(snapshot.get("seq", 0))
            yield sse_event("snapshot", snapshot, last_seq)
        else:
            sent, last_seq = await _catch_up(model, deployment_id, snapshot, resume_after)
            for event in sent:
                yield event
        if is_final(snapshot) and last_seq >= int(snapshot.get("seq", 0)):
            return
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=keepalive_s)
            update = decode_message(message.get("data")) if message is not None else None
            seq = update.get("seq") if update is not None else None
            if isinstance(seq, int) and seq == last_seq + 1:
                last_seq = seq
                yield sse_event("progress", update, seq)
            elif message is None or (isinstance(seq, int) and seq > last_seq):
                # Quiet, or a gap: the read model says where the deployment is.
                current = await model.deployment(deployment_id)
                if current is None:
                    return
                sent, last_seq = await _catch_up(model, deployment_id, current, last_seq)
                for event in sent:
                    yield event
                if not sent and message is None:
                    yield KEEPALIVE
            if last_seq > 0 and await _ended(model, deployment_id, last_seq):
                return
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]


async def _ended(model: DeployReads, deployment_id: str, last_seq: int) -> bool:
    current = await model.deployment(deployment_id)
    return current is None or (is_final(current) and last_seq >= int(current.get("seq", 0)))
