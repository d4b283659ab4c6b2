"""`onelog audit deployment <deployment_id>`: the story of a deployment, from the log."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.deploy.deployment_story import Logged, deployment_story, story_text
from onelog.domain import AuditCommand
from onelog.output import print_result
from schemas.codec import DecodeError
from schemas.deploy.topics import DEPLOY_TOPICS
from schemas.registry import registry


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deployment_id")


def logged_records(bootstrap: str, on_record: Callable[[], None]) -> Iterator[Logged]:
    """Every deploy record now on the log, decoded (what no schema reads is skipped)."""
    from infra.log_reader import read_all

    reg = registry()
    for rec in read_all(bootstrap, [spec.name for spec in DEPLOY_TOPICS]):
        on_record()
        try:
            record = reg.decode(rec.value)
        except DecodeError:
            continue
        yield Logged(rec.topic, rec.partition, rec.offset, record)


def audit_deployment(args: argparse.Namespace) -> int:
    from infra.kafka_broker import bootstrap_servers

    settings = load_settings()
    bar = ProgressBar("reading the log", None, enabled=not args.json)
    story = deployment_story(
        args.deployment_id, logged_records(bootstrap_servers(settings), bar.advance)
    )
    bar.close()
    if not story.lines:
        print(f"no record on the log names deployment {args.deployment_id}", file=sys.stderr)
        return 1
    print_result(args, story_text(story), asdict(story))
    return 0


AUDIT_DEPLOYMENT = AuditCommand("deployment", _arguments, audit_deployment)
