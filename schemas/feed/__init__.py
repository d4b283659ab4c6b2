"""The social news feed on the log: its records (records.py) and its topics
(topics.py), declared as SCHEMA_DOMAIN. The design: docs/feed.md.

Not yet a registered domain: "feed" is not in schemas/domains.py, so the
registry and the topic catalog do not walk it, and `history/` (every version
of each schema, which tests/unit/schemas/test_schema_history.py insists on)
does not exist yet. Both are added when the domain is registered, with the
stages that write these records; until then a record's fields may change
without a version bump.
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
