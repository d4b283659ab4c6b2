"""The envelope every record carries, and the base class of every record type.

A record type is a pydantic model: its Avro schema is generated from it
(schemas/avro.py), so the two cannot drift. Times are integer microseconds
since the Unix epoch, UTC.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(description="ULID: unique, sortable by time")
    type: str = Field(description="full name of the record's schema")
    schema_version: int
    occurred_at: int = Field(description="µs since epoch, as the producer saw it")
    recorded_at: int = Field(description="µs since epoch, set by the gateway")
    producer: str = Field(description="who wrote it: an API key id or a processor name")
    key: str = Field(description="the partitioning key")
    correlation_id: str
    causation_id: str | None = None


class Record(BaseModel):
    """Base of every command and event. Subclasses add payload fields.

    `schema_name` is the Avro full name; bump `schema_version` whenever the
    fields change, and keep the old schema in schemas/<domain>/history/ (a test insists).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_name: ClassVar[str]
    schema_version: ClassVar[int] = 1

    envelope: Envelope
