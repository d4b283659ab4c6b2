"""The music service on the log: its records (catalog.py, plays.py,
playlists.py, gathered in records.py), its topics (topics.py) and every
version of each schema (history/), declared as SCHEMA_DOMAIN. The design:
docs/music.md.
"""

from __future__ import annotations

from pathlib import Path

from schemas.domain import SchemaDomain
from schemas.music import topics
from schemas.music.records import *  # noqa: F403
from schemas.music.records import ALL

SCHEMA_DOMAIN = SchemaDomain(
    name="music",
    records=ALL,
    history=Path(__file__).parent / "history",
    topics=topics.MUSIC_TOPICS,
    changelogs=topics.MUSIC_CHANGELOGS,
)
