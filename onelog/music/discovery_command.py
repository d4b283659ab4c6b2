"""`onelog music recompute-discovery [--week 2026-W48]`: the weekly tick
(RecomputeDiscovery on music.discovery-ticks) that has the recommender
compute every listener's discovery playlist (streams/music/discovery_agent.py).
A weekly timer (cron, a systemd timer) runs it; the week defaults to the
current ISO week in UTC."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime

from confluent_kafka import Producer

from infra.kafka_broker import bootstrap_servers
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import load_settings
from infra.topics import topic_of
from onelog.domain import DomainCommand
from onelog.output import print_result
from schemas.music.recommendations import WEEK_PATTERN, RecomputeDiscovery
from schemas.registry import registry
from streams.sealing import seal_command

PRODUCER = "onelog-cli"


def iso_week(at: datetime) -> str:
    """The ISO week of `at` (its year is the ISO year: 2027-01-01 is 2026-W53)."""
    year, week, _ = at.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _week(text: str) -> str:
    if not re.match(WEEK_PATTERN, text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO week such as 2026-W48")
    return text


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--week", type=_week, default=None, help="the ISO week (default: this week, UTC)"
    )


def recompute_discovery_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    week = args.week or iso_week(datetime.now(UTC))
    record = seal_command(RecomputeDiscovery, {"week": week}, PRODUCER)
    producer = Producer(
        {
            "bootstrap.servers": bootstrap_servers(settings),
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    producer.produce(
        topic_of(record.schema_name).name,
        key=record.envelope.key.encode(),
        value=registry().encode(record),
    )
    if producer.flush(30):
        print_result(args, "music: Kafka did not acknowledge the tick", {"sent": False})
        return 1
    human = f"music: discovery tick for {week} sent ({record.envelope.event_id})"
    print_result(args, human, {"sent": True, "week": week, "event_id": record.envelope.event_id})
    return 0


RECOMPUTE_DISCOVERY = DomainCommand(
    "recompute-discovery",
    "send the weekly tick: every listener's discovery playlist computed from ClickHouse",
    _arguments,
    recompute_discovery_command,
)
