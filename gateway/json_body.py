"""Reading a JSON request body strictly: one object, finite numbers, bounded depth."""

from __future__ import annotations

from typing import Any

from pydantic_core import from_json

from gateway.problems import Problem

_JSON_TYPES = ("application/json", "application/x-ndjson", "application/ndjson")


def check_media_type(content_type: str | None, accepted: tuple[str, ...] = _JSON_TYPES) -> None:
    """No Content-Type is taken as JSON; a declared other type is a 415."""
    if not content_type:
        return
    media = content_type.split(";", 1)[0].strip().lower()
    if media in accepted or media.endswith("+json"):
        return
    raise Problem(415, "unsupported-media-type", f"send application/json, not {media!r}")


def parse_object(raw: bytes, *, empty_is: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body as a dict, or a 400 that says what is wrong with it.

    pydantic-core's parser refuses NaN/Infinity here and stops at a fixed
    nesting depth, so a deeply nested body costs nothing and cannot overflow
    the stack; big integers parse exactly and are bounded by the models.
    """
    if not raw.strip():
        if empty_is is not None:
            return dict(empty_is)
        raise Problem(400, "malformed-json", "the request body is empty; send a JSON object")
    try:
        value = from_json(raw, allow_inf_nan=False, cache_strings=False)
    except ValueError as exc:
        raise Problem(400, "malformed-json", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise Problem(
            422,
            "validation",
            f"the body must be a JSON object, not {type(value).__name__}",
            errors=[{"pointer": "#", "field": "", "detail": "expected a JSON object"}],
        )
    return value
