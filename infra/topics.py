"""The topic catalog: the platform's own topics and every domain's, in one place.

Each domain declares its topics beside its records (schemas/<domain>/topics.py,
named by its SCHEMA_DOMAIN); this module adds the platform's own and lists
them all. Each entry says what key orders the topic, how many partitions it
has, how long it keeps records, and which record types may appear on it.
`infra` creates these topics; agents and projectors look their names up here
or in their domain's topics, never spell them.
"""

from __future__ import annotations

from infra.domains import domain_modules
from schemas.domain import SchemaDomain
from schemas.topic_spec import FOREVER as FOREVER
from schemas.topic_spec import TopicSpec as TopicSpec

SCHEMAS = TopicSpec(
    name="_schemas",
    domain="platform",
    key="fingerprint (hex of CRC-64-AVRO)",
    record_types=(),
    partitions=1,
    compacted=True,
    has_dlq=False,
)

# Every domain's declaration on the log, in the order of infra.domains.DOMAINS.
_SCHEMA_DOMAINS: tuple[SchemaDomain, ...] = tuple(
    module.SCHEMA_DOMAIN for module in domain_modules("schemas")
)

CATALOG: tuple[TopicSpec, ...] = (SCHEMAS, *(spec for d in _SCHEMA_DOMAINS for spec in d.topics))

# The deciding stages' state logs (schemas/topic_spec.py: changelog).
STAGE_CHANGELOGS: tuple[TopicSpec, ...] = tuple(
    spec for d in _SCHEMA_DOMAINS for spec in d.changelogs
)

# How a changelog is compacted, chosen so that a worker taking a partition
# reads little more than the live parts. Kafka never cleans the active
# segment, and cleans a partition only once dirty (uncleaned) bytes reach
# min.cleanable.dirty.ratio of it; each setting shortens what stays dirty.
CHANGELOG_CONFIG = {
    "cleanup.policy": "compact",
    # Small segments, rolled at least each minute: at most ~8 MiB (about
    # 80,000 parts) of a partition waits in its active segment.
    "segment.bytes": str(8 * 1024 * 1024),
    "segment.ms": "60000",
    # Clean once a tenth is dirty (Kafka's default, half, lets a recovery
    # read twice the live parts); the cleaner's extra work is a rewrite of
    # small segments.
    "min.cleanable.dirty.ratio": "0.1",
    # A tombstone (an order that left the book) survives 5 minutes after its
    # segment is cleaned, then goes; Kafka's day would keep every order of a
    # busy day for recoveries to read. A recovery reads a partition in
    # seconds, far inside this window, so none misses a tombstone whose
    # value it has read.
    "delete.retention.ms": "300000",
}


_TOPIC_OF_RECORD: dict[str, TopicSpec] = {
    record_type: spec for spec in CATALOG for record_type in spec.record_types
}


def topic_of(schema_name: str) -> TopicSpec:
    """The one topic a record type is written to."""
    return _TOPIC_OF_RECORD[schema_name]
