"""`onelog music recompute-discovery [--week 2026-W48]`: the weekly tick
(RecomputeDiscovery on music.discovery-ticks) that has the recommender
compute every listener's discovery playlist (streams/music/discovery_agent.py).
`up` runs the weekly timer (streams/music/discovery_timer.py) that sends one
each week; this sends one now. The week defaults to the current ISO week in UTC."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime

from infra.kafka_broker import bootstrap_servers
from infra.settings import load_settings
from onelog.domain import DomainCommand
from onelog.output import print_result
from schemas.music.recommendations import WEEK_PATTERN
from streams.music.discovery_ticks import iso_week, send_tick

PRODUCER = "onelog-cli"


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
    event_id = send_tick(bootstrap_servers(settings), week, PRODUCER)
    if event_id is None:
        print_result(args, "music: Kafka did not acknowledge the tick", {"sent": False})
        return 1
    human = f"music: discovery tick for {week} sent ({event_id})"
    print_result(args, human, {"sent": True, "week": week, "event_id": event_id})
    return 0


RECOMPUTE_DISCOVERY = DomainCommand(
    "recompute-discovery",
    "send the weekly tick: every listener's discovery playlist computed from ClickHouse",
    _arguments,
    recompute_discovery_command,
)
