"""The weekly tick that has the recommender compute every listener's
discovery playlist (RecomputeDiscovery on music.discovery-ticks), and what
the log already holds of them. Sent by the timer (discovery_timer.py) and by
`onelog music recompute-discovery`."""

from __future__ import annotations

from datetime import datetime

from confluent_kafka import Producer

from infra.log_reader import read_all
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from schemas.codec import DecodeError
from schemas.music.recommendations import RecomputeDiscovery
from schemas.music.topics import MUSIC_DISCOVERY_TICKS
from schemas.registry import registry
from streams.sealing import seal_command

_FLUSH_S = 30.0


def iso_week(at: datetime) -> str:
    """The ISO week of `at` (its year is the ISO year: 2027-01-01 is 2026-W53)."""
    year, week, _ = at.isocalendar()
    return f"{year:04d}-W{week:02d}"


def send_tick(bootstrap: str, week: str, producer_name: str) -> str | None:
    """Write the tick for `week`; its event id, or None if Kafka did not acknowledge it."""
    record = seal_command(RecomputeDiscovery, {"week": week}, producer_name)
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    producer.produce(
        MUSIC_DISCOVERY_TICKS.name,
        key=record.envelope.key.encode(),
        value=registry().encode(record),
    )
    return None if producer.flush(_FLUSH_S) else record.envelope.event_id


def weeks_ticked(bootstrap: str) -> set[str]:
    """The weeks the log holds a tick for (the topic is small: one record a week)."""
    weeks: set[str] = set()
    for logged in read_all(bootstrap, [MUSIC_DISCOVERY_TICKS.name]):
        try:
            record = registry().decode(logged.value)
        except DecodeError:
            continue
        if isinstance(record, RecomputeDiscovery):
            weeks.add(record.week)
    return weeks
