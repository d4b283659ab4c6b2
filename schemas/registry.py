"""The registry of every record type onelog knows, current and previous versions."""

from __future__ import annotations

from functools import cache

from schemas.codec import SchemaRegistry
from schemas.domain import schema_domains
from schemas.envelope import Record
from schemas.history import history_files, load

# Every domain's records (schemas/<domain>/__init__.py: SCHEMA_DOMAIN).
ALL_MODELS: tuple[type[Record], ...] = tuple(
    model for domain in schema_domains() for model in domain.records
)


def build_registry(fast_readers: bool = True) -> SchemaRegistry:
    """Every model and every earlier schema; `fast_readers=False`: fastavro
    alone (the reference for the generated readers)."""
    registry = SchemaRegistry(fast_readers)
    for model in ALL_MODELS:
        registry.register(model)
    for path in history_files():
        schema = load(path)
        current = registry.model(schema["name"])
        if int(path.stem.rsplit(".v", 1)[1]) < current.schema_version:
            registry.register_previous(schema)
    return registry


@cache
def registry() -> SchemaRegistry:
    """The process-wide registry (built once; schemas do not change at run time)."""
    return build_registry()
