"""`onelog audit post <post_id>`: the life of a post, from the log."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from onelog.audit_log import run_audit
from onelog.domain import AuditCommand
from onelog.feed.post_life import life_text, post_life
from onelog.logged import Logged
from schemas.feed.topics import FEED_TOPICS


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("post_id")


def audit_post(args: argparse.Namespace) -> int:
    def tell(logged: Iterator[Logged]) -> tuple[str, Mapping[str, Any]] | None:
        life = post_life(args.post_id, logged)
        if not life.lines:
            return None
        return life_text(life), asdict(life) | {"timeline_entries": life.timeline_entries}

    return run_audit(args, "post", args.post_id, [spec.name for spec in FEED_TOPICS], tell)


AUDIT_POST = AuditCommand("post", _arguments, audit_post)
