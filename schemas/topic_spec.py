"""What a topic is: its key, partitions, retention and the records it carries.

A domain declares its topics beside its records (`schemas/<domain>/topics.py`);
infra/topics.py adds the platform's own and builds the catalog that infra
creates and agents and projectors look names up in. It lives here, at the
ground, so that both can use it without schemas importing infra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemas.envelope import Record

FOREVER = -1


@dataclass(frozen=True)
class TopicSpec:
    name: str
    domain: str
    key: str
    record_types: tuple[str, ...]
    partitions: int | None = None  # None: the platform default (ONELOG_PARTITIONS)
    retention_ms: int = FOREVER
    compacted: bool = False
    has_dlq: bool = True

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    @property
    def key_fields(self) -> tuple[str, ...]:
        """The fields the key is made of: one, or several joined by `/` (the
        feed's `author/bucket` spreads one author over several partitions)."""
        return tuple(self.key.split("/"))

    def key_of(self, fields: Mapping[str, Any]) -> str:
        """A record's key on this topic, from its payload's fields."""
        return "/".join(str(fields[name]) for name in self.key_fields)


def changelog(stage: str, domain: str, state_key: str) -> TopicSpec:
    """A deciding stage's state as small parts (streams/state_log.py), each on
    the partition number of the input that changed it; read only by the stage
    engine (streams/engine), never by projections. How Kafka compacts it:
    infra/topics.py, CHANGELOG_CONFIG."""
    return TopicSpec(
        f"{stage}.changelog",
        domain,
        key=f"[{state_key}, part] as JSON",
        record_types=(),
        compacted=True,
        has_dlq=False,
    )


def schema_names(records: tuple[type[Record], ...]) -> tuple[str, ...]:
    """The record types a topic carries, named by the models themselves (a
    model that does not exist fails at import, a misspelt string would not)."""
    return tuple(model.schema_name for model in records)
