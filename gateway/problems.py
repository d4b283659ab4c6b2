"""RFC 9457 problem details: the one shape every gateway error takes.

Routes raise `Problem`; the app's exception handlers turn it, Starlette's own
HTTPException and pydantic's ValidationError into application/problem+json.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://onelog.dev/problems/"

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class Problem(Exception):
    """An error answer. `slug` names the problem type; `errors` lists fields at
    fault; `extensions` are extra members (RFC 9457 section 3.2)."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": _TYPE_BASE + self.slug,
            "title": _TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        return {**self.extensions, **body}


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    return Response(
        orjson.dumps(problem.body(instance)),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def field_errors(exc: ValidationError, where: str = "body") -> list[dict[str, Any]]:
    """pydantic errors as RFC 9457 `errors` entries.

    Body fields are named by JSON pointer (`#/price`), path and query
    parameters by `parameter`, so a client can point at what to fix.
    """
    out: list[dict[str, Any]] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in err["loc"]]
        entry: dict[str, Any] = {"detail": err["msg"], "code": err["type"]}
        if where == "body":
            entry["pointer"] = "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in loc)
        else:
            entry["parameter"] = ".".join(loc)
        entry["field"] = ".".join(loc)
        out.append(entry)
    return out


def invalid(exc: ValidationError, where: str = "body") -> Problem:
    errors = field_errors(exc, where)
    names = ", ".join(e["field"] or "(body)" for e in errors)
    return Problem(422, "validation", f"invalid {where}: {names}", errors=errors)


async def handle_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, request.url.path)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no such route, wrong method) as problem+json."""
    status = getattr(exc, "status_code", 500)
    headers = getattr(exc, "headers", None) or {}
    detail = getattr(exc, "detail", None) or _TITLES.get(status, "Error")
    slug = {404: "not-found", 405: "method-not-allowed"}.get(status, "http-error")
    return problem_response(Problem(status, slug, str(detail), headers=headers), request.url.path)


async def handle_store_unavailable(request: Request, exc: Exception) -> Response:
    """Redis (rate limits, idempotency, read models) unreachable: retryable, not a bug."""
    return problem_response(
        Problem(
            503,
            "store-unavailable",
            "a backing store of the gateway is unreachable; retry shortly",
            headers={"Retry-After": "2"},
        ),
        request.url.path,
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    # The detail stays generic: an internal message may carry data a client
    # must not see. The traceback goes to the server log via uvicorn.
    return problem_response(
        Problem(500, "internal", "the gateway failed to handle this request"), request.url.path
    )
