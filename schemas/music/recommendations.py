"""The weekly discovery playlist's records (docs/music.md, Recommendations).

RecomputeDiscovery is the weekly tick, on music.discovery-ticks keyed by
`week`: the CLI or a timer writes it, and the recommender (an acting agent:
it reads ClickHouse) answers with one DiscoveryPlaylistComputed per listener
on music.recommendations, keyed by `listener`. The playlists are facts, so
replay rebuilds them from the log without computing again.

A week is an ISO week, "2026-W48": strings of that form sort as the weeks do.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from schemas.envelope import Record
from schemas.music.ids import ID_PATTERN, NAMESPACE, MusicId

WEEK_PATTERN = r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"
# What one discovery playlist holds at most (docs/music.md: the 30 best).
DISCOVERY_TRACKS = 30
MODEL_MAX_CHARS = 200

_ID = re.compile(ID_PATTERN)


class RecomputeDiscovery(Record):
    """Compute every listener's discovery playlist for `week` from the
    counted streams ClickHouse holds when the recommender reads it."""

    schema_name = NAMESPACE + "RecomputeDiscovery"
    week: str = Field(pattern=WEEK_PATTERN, description="an ISO week, e.g. 2026-W48")


class DiscoveryPlaylistComputed(Record):
    """A listener's discovery playlist for `week`: tracks they have not
    played, best first, and the model that scored them (its library,
    version and parameters, so a figure can be traced to what made it)."""

    schema_name = NAMESPACE + "DiscoveryPlaylistComputed"
    listener: MusicId
    week: str = Field(pattern=WEEK_PATTERN, description="an ISO week, e.g. 2026-W48")
    tracks: list[str] = Field(max_length=DISCOVERY_TRACKS, description="track ids, best first")
    model: str = Field(min_length=1, max_length=MODEL_MAX_CHARS)

    @field_validator("tracks")
    @classmethod
    def _each_an_id(cls, tracks: list[str]) -> list[str]:
        bad = [t for t in tracks if not _ID.match(t)]
        if bad:
            raise ValueError(f"not a track id (pattern {ID_PATTERN}): {bad[0]!r}")
        return tracks


DISCOVERY_TICKS: tuple[type[Record], ...] = (RecomputeDiscovery,)
RECOMMENDATIONS: tuple[type[Record], ...] = (DiscoveryPlaylistComputed,)
