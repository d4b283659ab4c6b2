"""The social news feed on the log: its records (records.py), its topics
(topics.py) and every version of each schema (history/), declared as
SCHEMA_DOMAIN. The design: docs/feed.md.
"""

from __future__ import annotations

from pathlib import Path

from schemas.domain import SchemaDomain
from schemas.feed import topics
from schemas.feed.records import *  # noqa: F403
from schemas.feed.records import ALL

SCHEMA_DOMAIN = SchemaDomain(
    name="feed",
    records=ALL,
    history=Path(__file__).parent / "history",
    topics=topics.FEED_TOPICS,
    changelogs=topics.FEED_CHANGELOGS,
)
