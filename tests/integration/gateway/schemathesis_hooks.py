"""A check of our own for the contract test (test_openapi_contract.py), loaded
by schemathesis from SCHEMATHESIS_HOOKS.

A run, a submission or a progress mark names a problem that must have been
published; /openapi.json cannot say which are, so a schema-valid write may be
answered the documented 422 `unknown-problem`. The contract test lets these
operations answer 422 to valid data, and this check holds that 422 to being
exactly that one, naming `problem_id`, and nothing else.

The same for a deploy host list naming a host twice (`duplicate_host`): no
JSON Schema says a property is unique across a list's items. And an upload's
body is a tar.gz: schemathesis's bytes are sent gzipped, so that valid data
is what the route takes. And a feed timeline's cursor is opaque: one the
feed did not issue is the documented 400 `invalid-cursor`.
"""

from __future__ import annotations

import gzip
import re
from typing import Any

import schemathesis

_NAMES_A_PROBLEM = re.compile(
    r"^/v1/judge/(runs|submissions|users/\{user_id\}/progress/\{problem_id\})$"
)


@schemathesis.check
def only_an_unknown_problem_refuses_a_valid_judge_write(
    ctx: Any, response: Any, case: Any
) -> bool | None:
    meta = case.meta
    if (
        response.status_code != 422
        or case.method.upper() != "POST"
        or not _NAMES_A_PROBLEM.match(case.operation.path)
        or meta is None
        or not meta.generation.mode.is_positive
    ):
        return None
    body = response.json()
    fields = [error.get("field") for error in body.get("errors", [])]
    if not str(body.get("type", "")).endswith("/unknown-problem") or fields != ["problem_id"]:
        raise AssertionError(
            f"a valid judge write was refused, and not as an unknown problem: {body}"
        )
    return None


_SETS_HOSTS = "/v1/deploy/services/{service}/hosts"
_UPLOADS = "/v1/deploy/releases/upload"


@schemathesis.check
def only_a_host_named_twice_refuses_a_valid_host_list(
    ctx: Any, response: Any, case: Any
) -> bool | None:
    meta = case.meta
    if (
        response.status_code != 422
        or case.method.upper() != "PUT"
        or case.operation.path != _SETS_HOSTS
        or meta is None
        or not meta.generation.mode.is_positive
    ):
        return None
    body = response.json()
    codes = [(error.get("field"), error.get("code")) for error in body.get("errors", [])]
    if codes != [("hosts", "duplicate_host")]:
        raise AssertionError(f"a valid host list was refused, not for a host named twice: {body}")
    return None


_FEED_TIMELINE = "/v1/feed/members/{member}/timeline"


@schemathesis.check
def only_a_foreign_cursor_refuses_a_valid_timeline_read(
    ctx: Any, response: Any, case: Any
) -> bool | None:
    """A feed cursor is opaque and MAC'd: a string the feed did not issue is
    the documented 400 `invalid-cursor` naming `cursor`, and nothing else."""
    if response.status_code != 400 or case.operation.path != _FEED_TIMELINE:
        return None
    body = response.json()
    fields = [error.get("field") for error in body.get("errors", [])]
    if not str(body.get("type", "")).endswith("/invalid-cursor") or fields != ["cursor"]:
        raise AssertionError(f"a timeline read was refused, not for its cursor: {body}")
    return None


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    """An upload's bytes, gzipped: the artifact the route takes is a gzip stream."""
    if ctx.operation is None or ctx.operation.path != _UPLOADS:
        return body
    if isinstance(body, str):
        body = body.encode()
    return gzip.compress(body) if isinstance(body, bytes) else body
