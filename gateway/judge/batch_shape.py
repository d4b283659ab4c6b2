"""What a batch of judge submissions looks like at /v1/judge/submissions/batch, as Judge0's:
at most 20 submissions sent, or 20 ids read, at once; each item answered on
its own, in order. Pure: the routes are gateway/judge/batch.py.

A batch refused whole (not 1-20 items) is a 422 naming `submissions` or
`ids`. An item refused alone is answered with its problem, whose `errors`
name the field inside the batch (`submissions.3.language`,
`#/submissions/3/language`; `ids.3`), as its single route would name it
without the prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gateway.fields import QueryParameters
from gateway.judge.requests import SubmitRequest
from gateway.problems import Problem

MAX_BATCH = 20


class SubmitBatchRequest(BaseModel):
    """For /openapi.json: each item is checked on its own, as POST /submissions checks one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submissions: Annotated[
        list[SubmitRequest],
        Field(min_length=1, max_length=MAX_BATCH, description="each as POST /submissions takes"),
    ]


class BatchQuery(QueryParameters):
    ids: Annotated[
        str, Field(description=f"submission ids, comma-separated, 1 to {MAX_BATCH}", min_length=1)
    ]


def _whole_batch_refused(field: str, where: str, detail: str) -> Problem:
    at = {"pointer": f"#/{field}"} if where == "body" else {"parameter": field}
    return Problem(
        422, "validation", f"invalid {field}: {detail}",
        errors=[{"field": field, **at, "detail": detail}],
    )  # fmt: skip


def submissions_of(body: Mapping[str, Any]) -> list[Any]:
    """The body's submissions, 1 to MAX_BATCH of them (else a 422 naming `submissions`)."""
    unknown = sorted(set(body) - {"submissions"})
    if unknown:
        raise _whole_batch_refused(unknown[0], "body", "unknown field; send only `submissions`")
    items = body.get("submissions")
    if not isinstance(items, list):
        raise _whole_batch_refused("submissions", "body", "a list of 1 to 20 submissions")
    if not 1 <= len(items) <= MAX_BATCH:
        detail = f"1 to {MAX_BATCH} submissions, not {len(items)}"
        raise _whole_batch_refused("submissions", "body", detail)
    return items


def ids_of(raw: str) -> list[str]:
    """The ids asked for, in order, 1 to MAX_BATCH of them (else a 422 naming `ids`)."""
    ids = [i.strip() for i in raw.split(",")]
    if any(not i for i in ids):
        raise _whole_batch_refused("ids", "parameters", "an empty id; separate ids by one comma")
    if len(ids) > MAX_BATCH:
        raise _whole_batch_refused("ids", "parameters", f"at most {MAX_BATCH} ids, not {len(ids)}")
    return ids


def item_problem(problem: Problem, field: str, index: int) -> dict[str, Any]:
    """The problem of item `index` of the batch's list `field`, its errors named
    inside the batch; a problem that names no field names the item."""
    prefix = f"{field}.{index}"
    errors = [_nested(error, field, prefix, index) for error in problem.errors] or [
        {"field": prefix, "pointer": f"#/{field}/{index}", "detail": problem.detail}
    ]
    return {**problem.body(), "errors": errors}


def _nested(error: Mapping[str, Any], field: str, prefix: str, index: int) -> dict[str, Any]:
    nested = dict(error)
    name = error.get("field")
    nested["field"] = f"{prefix}.{name}" if name else prefix
    pointer = error.get("pointer")
    if isinstance(pointer, str) and pointer.startswith("#"):
        nested["pointer"] = f"#/{field}/{index}" + pointer[1:]
    elif "parameter" in error:
        nested["parameter"] = field
    return nested


def batch_status(items: Sequence[Mapping[str, Any]]) -> int:
    """202 if any item was accepted; else the status every item shares, or 422 for a mix."""
    statuses = {int(item["status"]) for item in items}
    if 202 in statuses:
        return 202
    return statuses.pop() if len(statuses) == 1 else 422
