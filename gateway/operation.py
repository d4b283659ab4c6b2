"""One HTTP operation as data: what /openapi.json and the router are built from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]


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
