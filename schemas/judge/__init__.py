"""The coding-interview platform on the log: its records (records.py), every
version of their schemas (history/) and its topics (topics.py), declared as
SCHEMA_DOMAIN."""

from __future__ import annotations

from pathlib import Path

from schemas.domain import SchemaDomain
from schemas.judge import topics

# The records stay importable from schemas.judge, where the whole code base
# has always taken them (ProblemPublished, Verdict, TestCase, ALL, ...).
from schemas.judge.records import *  # noqa: F403
from schemas.judge.records import ALL

SCHEMA_DOMAIN = SchemaDomain(
    name="judge",
    records=ALL,
    history=Path(__file__).parent / "history",
    topics=topics.JUDGE_TOPICS,
)
