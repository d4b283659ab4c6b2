"""What every domain's `onelog audit <object> <id>` shares: its topics read
from the start to the end as they stand now, each record decoded with where
it sits (what no schema reads is skipped), and the run itself: a progress
bar, the domain's pure story of the object, "no record names it" (exit 1)
or the story as text or --json."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.logged import Logged
from onelog.output import print_result
from schemas.codec import DecodeError
from schemas.registry import registry

Tell = Callable[[Iterator[Logged]], tuple[str, Mapping[str, Any]] | None]
"""The logged records -> the story as (text, JSON fields), or None if none names the object."""


def logged_records(
    bootstrap: str, topics: Sequence[str], on_record: Callable[[], None]
) -> Iterator[Logged]:
    from infra.log_reader import read_all

    reg = registry()
    for rec in read_all(bootstrap, list(topics)):
        on_record()
        try:
            record = reg.decode(rec.value)
        except DecodeError:
            continue
        yield Logged(rec.topic, rec.partition, rec.offset, record)


def run_audit(
    args: argparse.Namespace, noun: str, object_id: str, topics: Sequence[str], tell: Tell
) -> int:
    from infra.kafka_broker import bootstrap_servers

    settings = load_settings()
    bar = ProgressBar("reading the log", None, enabled=not args.json, unit="records")
    told = tell(logged_records(bootstrap_servers(settings), topics, bar.advance))
    bar.close()
    if told is None:
        print(f"no record on the log names {noun} {object_id}", file=sys.stderr)
        return 1
    text, fields = told
    print_result(args, text, dict(fields))
    return 0
