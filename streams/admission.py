"""Whether a processor can take a record from its input, and why not.

Every processor dead-letters the same three kinds of input: bytes that do not
decode, a record of a type it does not take, and a record keyed elsewhere
than its key field says (it would be decided on the wrong partition).
"""

from __future__ import annotations

from schemas.codec import DecodeError
from schemas.envelope import Record
from schemas.registry import registry


def admitted(
    key: bytes | None,
    value: bytes | None,
    processor: str,
    key_field: str,
    takes: tuple[type[Record], ...] | None = None,
) -> tuple[Record, str] | str:
    """(the record, its key), or the reason it goes to the dead-letter topic.

    `key` and `value` are the Kafka record's; `key_field`: the input topic's
    key (TopicSpec.key: a field, or fields joined by `/`); `takes`: the record
    types the processor accepts, None for any that has `key_field`.
    """
    try:
        record = registry().decode(value or b"")
    except DecodeError as exc:
        return exc.reason
    parts = [getattr(record, name, None) for name in key_field.split("/")]
    if None in parts or (takes is not None and not isinstance(record, takes)):
        return f"{processor} takes no {type(record).__name__} records"
    state_key = "/".join(str(part) for part in parts)
    if key is not None and key.decode(errors="replace") != state_key:
        return f"key {key!r} does not match {key_field}={state_key!r}"
    return record, state_key
