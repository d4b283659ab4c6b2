"""A command as the gateway accepts it: one entry of a domain's command table,
naming its request model, path parameters, wire record, topic and scope.

A domain's routes and its NDJSON batch both read its table, so a command is
declared once. `payload` maps a validated request to the record's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gateway.fields import RequestModel
from infra.topics import TopicSpec
from schemas.envelope import Record

Payload = Callable[[Any, Any, Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Command:
    name: str  # what a batch line's "command" says
    method: str
    path: str  # under the domain's prefix, e.g. /v1/exchange
    summary: str
    request: type[RequestModel]
    path_params: type[BaseModel] | None
    record: type[Record]
    topic: TopicSpec
    scope: str
    payload: Payload
    # Ids the gateway assigns besides the event id, answered to the caller.
    assigns: tuple[str, ...] = ()

    @property
    def path_fields(self) -> tuple[str, ...]:
        return tuple(self.path_params.model_fields) if self.path_params else ()
