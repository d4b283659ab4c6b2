"""Faust table values that are domain states, saved as canonical JSON.

A table holds live state objects in memory; the codec turns them into bytes
only for the changelog topic, and back when a worker recovers a partition.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from streams import faust_fixes


class SavedState(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def encode_state(state: SavedState) -> bytes:
    return json.dumps(state.to_dict(), separators=(",", ":"), sort_keys=True).encode()


def encode_key(key: str) -> bytes:
    """A table key as Faust's json codec writes it (so recovery reads it back)."""
    return json.dumps(key).encode()


def state_table(app: Any, name: str, codec_name: str, from_dict: Any) -> Any:
    """A Faust table whose values are domain states, keyed by str.

    Faust picks a table's serializers from its value type (json unless the type
    is a faust.Record) and builds the changelog topic with them as the table
    registers; so set ours, then build that topic again (same name).
    """
    faust_fixes.register_codec(codec_name, encode_state, lambda data: from_dict(json.loads(data)))
    table = app.Table(name, key_type=str)
    table.key_serializer = "json"
    table.value_serializer = codec_name
    faust_fixes.rebuild_changelog_topic(table)
    return table
