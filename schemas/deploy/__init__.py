"""The deployment system on the log: its records (records.py), every version
of their schemas (history/) and its topics (topics.py), declared as
SCHEMA_DOMAIN. The design: docs/deploy.md."""

from __future__ import annotations

from pathlib import Path

from schemas.deploy import topics
from schemas.deploy.records import *  # noqa: F403
from schemas.deploy.records import ALL
from schemas.domain import SchemaDomain

SCHEMA_DOMAIN = SchemaDomain(
    name="deploy",
    records=ALL,
    history=Path(__file__).parent / "history",
    topics=topics.DEPLOY_TOPICS,
    changelogs=topics.DEPLOY_CHANGELOGS,
)
