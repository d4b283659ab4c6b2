"""One HTTP operation as data: what /openapi.json and the router are built from;
the endpoint of a path that serves several operations; a command table's operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.command import Command
from gateway.responses import WRITE_RESPONSES

Endpoint = Callable[[Request], Awaitable[Response]]


def allowed_methods(methods: Mapping[str, Endpoint]) -> list[str]:
    """What a path's Allow header lists: its methods, HEAD with GET, and OPTIONS."""
    implied = {"HEAD"} if "GET" in methods else set()
    return sorted({*methods, *implied, "OPTIONS"})


def path_endpoint(methods: Mapping[str, Endpoint]) -> Endpoint:
    """Dispatches by method; OPTIONS is answered here, 204 with the Allow header.

    A method the path does not serve never reaches it: the route answers 405
    with the same Allow header.
    """
    allow = ", ".join(allowed_methods(methods))

    async def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        # Starlette routes HEAD with GET and sends no body for it.
        return await methods["GET" if request.method == "HEAD" else request.method](request)

    endpoint.__name__ = "_".join(e.__name__ for e in methods.values())
    return endpoint


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    endpoint: Endpoint
    summary: str
    scope: str | None = None
    body: type[BaseModel] | None = None
    body_media_type: str = "application/json"
    # Path and query parameters, described by a pydantic model.
    parameters: type[BaseModel] | None = None
    responses: dict[int, str] = field(default_factory=dict)
    response_media_type: str = "application/json"
    # The route honours an Idempotency-Key header (gateway/idempotency.py).
    idempotency_key: bool = False


def command_operations(
    prefix: str, commands: Sequence[Command], endpoint_for: Callable[[Command], Endpoint]
) -> list[Operation]:
    """A domain's command table as operations under `prefix` (e.g. /v1/exchange):
    each idempotent, documented with the write answers."""
    return [
        Operation(
            c.method,
            prefix + c.path,
            endpoint_for(c),
            c.summary,
            scope=c.scope,
            body=c.request,
            parameters=c.path_params,
            responses=WRITE_RESPONSES,
            idempotency_key=True,
        )
        for c in commands
    ]
