"""The registry of every record type onelog knows, current and previous versions."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from schemas import exchange, judge
from schemas.codec import SchemaRegistry
from schemas.envelope import Record

HISTORY_DIR = Path(__file__).parent / "history"

ALL_MODELS: tuple[type[Record], ...] = exchange.ALL + judge.ALL


def build_registry(fast_readers: bool = True) -> SchemaRegistry:
    """Every model and every earlier schema; `fast_readers=False`: fastavro
    alone (the reference for the generated readers)."""
    registry = SchemaRegistry(fast_readers)
    for model in ALL_MODELS:
        registry.register(model)
    for path in sorted(HISTORY_DIR.glob("*.avsc")):
        schema = json.loads(path.read_text())
        current = registry.model(schema["name"])
        if int(path.stem.rsplit(".v", 1)[1]) < current.schema_version:
            registry.register_previous(schema)
    return registry


@cache
def registry() -> SchemaRegistry:
    """The process-wide registry (built once; schemas do not change at run time)."""
    return build_registry()
