"""`onelog audit deployment <deployment_id>`: the story of a deployment, from the log."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from onelog.audit_log import run_audit
from onelog.deploy.deployment_story import deployment_story, story_text
from onelog.domain import AuditCommand
from onelog.logged import Logged
from schemas.deploy.topics import DEPLOY_TOPICS


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deployment_id")


def audit_deployment(args: argparse.Namespace) -> int:
    def tell(logged: Iterator[Logged]) -> tuple[str, Mapping[str, Any]] | None:
        story = deployment_story(args.deployment_id, logged)
        return (story_text(story), asdict(story)) if story.lines else None

    topics = [spec.name for spec in DEPLOY_TOPICS]
    return run_audit(args, "deployment", args.deployment_id, topics, tell)


AUDIT_DEPLOYMENT = AuditCommand("deployment", _arguments, audit_deployment)
