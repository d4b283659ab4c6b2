"""What every request of the gateway shares: the base models of bodies and
parameters, text that the Avro writer can encode, and the identifier alphabets.

The domain request modules (exchange_requests, judge_requests) build their
own field types on these, adding the description that says what the field
means there.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

INT64_MAX = 2**63 - 1


def encodable(text: str) -> str:
    # Lone surrogates are valid JSON escapes but not encodable UTF-8: they
    # would fail in the Avro writer.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    return text


def printable(text: str) -> str:
    # Control characters (a newline among them) break logs and UIs.
    if not encodable(text).isprintable():
        raise ValueError("text must not contain control characters")
    return text


Micros = Annotated[StrictInt, Field(ge=0, le=INT64_MAX, description="µs since the Unix epoch")]
# An id the caller chooses for itself or its account.
CallerId = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
# An id the gateway assigned (schemas/ulid.py): upper-case Crockford base32.
Ulid = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]


# A command's body: strict, unknown fields refused, and an optional time of
# the caller's own. (No docstring: pydantic would put it in every body's schema.)
class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    occurred_at: Micros | None = Field(
        default=None, description="when it happened for the caller; default: now"
    )


# A write route's path parameters: nothing else may be named.
class PathParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A read route's query and path parameters; any other query parameter is ignored.
class QueryParameters(BaseModel):
    model_config = ConfigDict(extra="ignore")
