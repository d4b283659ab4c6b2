"""Compact JSON text that is the same whichever encoder printed it.

The projector stores JSON text (archive records, trades, balances), and
replay compares a rebuild with what the live projector stored, so the text
must not change with the encoder. `json.dumps` (ensure_ascii) is the
reference; orjson, several times faster, prints the very same text whenever
its output is printable ASCII, so it is used then and json otherwise.
"""

from __future__ import annotations

import base64
import json
from typing import Any

try:  # an optional speed-up: the text is the same without it
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

_NOT_PRINTED = b"\x80"  # non-ASCII: forces the json fallback


def compact_json(value: Any, *, sort_keys: bool = False) -> str:
    """`json.dumps(value, separators=(",", ":"), sort_keys=...)`, bytes as base64."""
    if orjson is not None:
        try:
            fast = orjson.dumps(
                value, default=_bytes, option=orjson.OPT_SORT_KEYS if sort_keys else 0
            )
        except TypeError:  # e.g. an integer beyond 64 bits, which json prints
            fast = _NOT_PRINTED
        # json escapes DEL and everything beyond ASCII; orjson does not.
        if fast.isascii() and b"\x7f" not in fast:
            return fast.decode()
    return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, default=_bytes)


def _bytes(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
