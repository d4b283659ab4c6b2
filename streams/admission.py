"""Whether a processor can take a record from its input, and why not.

Every processor dead-letters the same three kinds of input: bytes that do not
decode, a record of a type it does not take, and a record keyed elsewhere
than its key field says (it would be decided on the wrong partition).
"""

from __future__ import annotations

import faust

from schemas.codec import DecodeError
from schemas.envelope import Record
from schemas.registry import registry


def admitted(
    message: faust.types.Message,
    processor: str,
    key_field: str,
    takes: tuple[type[Record], ...] | None = None,
) -> tuple[Record, str] | str:
    """(the record, its key), or the reason it goes to the dead-letter topic.

    `takes`: the record types the processor accepts; None for any that has
    `key_field`.
    """
    try:
        record = registry().decode(message.value or b"")
    except DecodeError as exc:
        return exc.reason
    key = getattr(record, key_field, None)
    if key is None or (takes is not None and not isinstance(record, takes)):
        return f"{processor} takes no {type(record).__name__} records"
    key = str(key)
    if message.key is not None and message.key.decode(errors="replace") != key:
        return f"key {message.key!r} does not match {key_field}={key!r}"
    return record, key
