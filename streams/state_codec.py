"""Faust table values that are domain states, saved as canonical JSON.

A table holds live state objects in memory; the codec turns them into bytes
only for the changelog topic, and back when a worker recovers a partition.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from faust.serializers import codecs


class SavedState(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def encode_state(state: SavedState) -> bytes:
    return json.dumps(state.to_dict(), separators=(",", ":"), sort_keys=True).encode()


def encode_key(key: str) -> bytes:
    """A table key as Faust's json codec writes it (so recovery reads it back)."""
    return json.dumps(key).encode()


class StateCodec(codecs.Codec):
    def __init__(self, from_dict: Any = None, **kwargs: Any) -> None:
        super().__init__(from_dict=from_dict, **kwargs)
        self._from_dict = from_dict

    def _dumps(self, state: Any) -> bytes:
        return encode_state(state)

    def _loads(self, data: bytes) -> Any:
        return self._from_dict(json.loads(data))


def register_state_codec(name: str, from_dict: Any) -> str:
    """Register the codec under `name` (the table's value_serializer)."""
    codecs.register(name, StateCodec(from_dict=from_dict))
    return name


def state_table(app: Any, name: str, codec_name: str, from_dict: Any) -> Any:
    """A Faust table whose values are domain states, keyed by str.

    Faust picks a table's serializers from its value type (json unless the type
    is a faust.Record) and builds the changelog topic with them as the table
    registers; so set ours, then build that topic again (same name).
    """
    register_state_codec(codec_name, from_dict)
    table = app.Table(name, key_type=str)
    table.key_serializer = "json"
    table.value_serializer = codec_name
    table.changelog_topic = table._new_changelog_topic()
    return table
