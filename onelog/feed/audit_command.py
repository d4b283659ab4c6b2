"""`onelog audit post <post_id>`: the life of a post, from the log."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.domain import AuditCommand
from onelog.feed.post_life import Logged, life_text, post_life
from onelog.output import print_result
from schemas.codec import DecodeError
from schemas.feed.topics import FEED_TOPICS
from schemas.registry import registry


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("post_id")


def logged_records(bootstrap: str, on_record: Callable[[], None]) -> Iterator[Logged]:
    """Every feed record now on the log, decoded (what no schema reads is skipped)."""
    from infra.log_reader import read_all

    reg = registry()
    for rec in read_all(bootstrap, [spec.name for spec in FEED_TOPICS]):
        on_record()
        try:
            record = reg.decode(rec.value)
        except DecodeError:
            continue
        yield Logged(rec.topic, rec.partition, rec.offset, record)


def audit_post(args: argparse.Namespace) -> int:
    from infra.kafka_broker import bootstrap_servers

    settings = load_settings()
    bar = ProgressBar("reading the log", None, enabled=not args.json, unit="records")
    life = post_life(args.post_id, logged_records(bootstrap_servers(settings), bar.advance))
    bar.close()
    if not life.lines:
        print(f"no record on the log names post {args.post_id}", file=sys.stderr)
        return 1
    print_result(args, life_text(life), asdict(life) | {"timeline_entries": life.timeline_entries})
    return 0


AUDIT_POST = AuditCommand("post", _arguments, audit_post)
