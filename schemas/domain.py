"""What one domain brings to the log, declared once.

Each domain's package (`schemas/<domain>/__init__.py`) exports
`SCHEMA_DOMAIN: SchemaDomain`: its record types, the folder of every schema
version it ever wrote, and its topics. The registry (schemas/registry.py) and
the topic catalog (infra/topics.py) walk these, so a new domain touches neither.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import schemas
from schemas.domains import DOMAINS
from schemas.envelope import Record
from schemas.topic_spec import TopicSpec


@dataclass(frozen=True)
class SchemaDomain:
    name: str
    # Every record type, current version; each is written to one of `topics`.
    records: tuple[type[Record], ...]
    # <schema name>.v<N>.avsc for every version of every record (schemas/history.py).
    history: Path
    # Its topics of records (commands and facts), in creation order.
    topics: tuple[TopicSpec, ...]
    # Its deciding stages' state logs, which carry no records of their own.
    changelogs: tuple[TopicSpec, ...] = ()


def schema_domains() -> tuple[SchemaDomain, ...]:
    """Every domain's SCHEMA_DOMAIN (schemas/<domain>/__init__.py), in the list's order."""
    return tuple(
        importlib.import_module(f"{schemas.__name__}.{name}").SCHEMA_DOMAIN for name in DOMAINS
    )
