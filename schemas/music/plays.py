"""The plays' records: listeners' commands on music.plays and the play
stage's facts on music.listens, both keyed by `listener`.

A play is named by (listener, track_id, started_at_ms): whatever retried it,
one play is one key, and the play stage counts a key at most once
(docs/music.md, Plays). A player sends PlayStarted when the track starts and
PlayEnded (or PlaySkipped) when it stops; a producer of finished listens (a
scrobbler, the 1,000-play batch) sends PlayEnded alone, with the context
itself. Times are integer milliseconds since the epoch (`*_ms`), the
player's own clock: the time a play is charted and deduplicated by.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Record
from schemas.music.ids import (
    COUNTRY_PATTERN,
    ID_PATTERN,
    NAMESPACE,
    UNKNOWN_COUNTRY,
    Country,
    MusicId,
)

# Where the listener started the track from; `context_id` names that album,
# playlist or artist ("" for none, as for a search).
PlayContext = Literal["album", "playlist", "search", "recommendation", "artist", "other"]
Device = Literal["mobile", "desktop", "web", "tablet", "speaker", "car", "tv", "other"]
# Why a play was not counted, one word each (streams/music/play_decide.py):
# `short`, under the 30-second rule; `duplicate`, its key was counted already;
# `unknown_track`, the catalog has no such track; `too_old`, it started before
# the 7-day window; `history_deleted`, it started before the cut of a deletion
# the listener asked for, so no figure may hold it.
NotCountedReason = Literal["short", "duplicate", "unknown_track", "too_old", "history_deleted"]

CONTEXT_ID_PATTERN = r"^[A-Za-z0-9_-]{0,64}$"
# A play of more than a day is a broken player, not a listen.
MS_PLAYED_MAX = 24 * 60 * 60 * 1000
# At most 48 hours of 30-second streams back to back: what the stage keeps
# of a listener's counted plays to take back out of the live charts.
REMOVED_MAX = 48 * 60 * 2


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CountedPlayRef(_Part):
    """A counted play as a live chart holds it: what a deletion takes back."""

    track_id: MusicId
    artist_id: MusicId
    started_at_ms: int = Field(ge=0, description="the chart's minute bucket")
    country: Country


# --- listeners' commands: music.plays, key listener ---------------------------


class PlayStarted(Record):
    """A track started playing (now playing, until it ends)."""

    schema_name = NAMESPACE + "PlayStarted"
    listener: MusicId
    track_id: MusicId
    started_at_ms: int = Field(ge=0)
    context: PlayContext = "other"
    context_id: str = Field(default="", pattern=CONTEXT_ID_PATTERN)
    device: Device = "other"
    country: Country = Field(default=UNKNOWN_COUNTRY, description="ISO 3166-1 alpha-2; ZZ unknown")


class PlayEnded(Record):
    """A play stopped after `ms_played`; the play stage decides whether it
    counts. Context, device and country left out (None) are the PlayStarted's.
    The gateway stamps the track's duration and artist from its catalog read
    model (None when it lacks the track: the stage then decides
    unknown_track), so the stage decides from the record alone and replay
    gives the same facts."""

    schema_name = NAMESPACE + "PlayEnded"
    listener: MusicId
    track_id: MusicId
    started_at_ms: int = Field(ge=0)
    ms_played: int = Field(ge=0, le=MS_PLAYED_MAX)
    context: PlayContext | None = None
    context_id: str | None = Field(default=None, pattern=CONTEXT_ID_PATTERN)
    device: Device | None = None
    country: str | None = Field(
        default=None, pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2"
    )
    duration_ms: int | None = Field(
        default=None, ge=1, description="the track's, stamped by the gateway from its catalog"
    )
    artist_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="the track's artist, stamped by the gateway"
    )


class PlaySkipped(Record):
    """The listener skipped to the next track after `ms_played`: a play's end
    like PlayEnded, decided by the same rule (a skip after 30 s still counts)."""

    schema_name = NAMESPACE + "PlaySkipped"
    listener: MusicId
    track_id: MusicId
    started_at_ms: int = Field(ge=0)
    ms_played: int = Field(ge=0, le=MS_PLAYED_MAX)
    context: PlayContext | None = None
    context_id: str | None = Field(default=None, pattern=CONTEXT_ID_PATTERN)
    device: Device | None = None
    country: str | None = Field(
        default=None, pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2"
    )
    duration_ms: int | None = Field(
        default=None, ge=1, description="the track's, stamped by the gateway from its catalog"
    )
    artist_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="the track's artist, stamped by the gateway"
    )


class DeleteListeningHistory(Record):
    """Forget the listener's plays that started before `before_ms`, in every
    figure and chart."""

    schema_name = NAMESPACE + "DeleteListeningHistory"
    listener: MusicId
    before_ms: int = Field(ge=0, description="plays started before this are deleted")


# --- the play stage's facts: music.listens, key listener ----------------------


class PlayCounted(Record):
    """A play counted as a stream: charted, and paid to the artist."""

    schema_name = NAMESPACE + "PlayCounted"
    listener: MusicId
    track_id: MusicId
    artist_id: MusicId = Field(description="the track's artist, from the catalog")
    started_at_ms: int = Field(ge=0)
    ms_played: int = Field(ge=0, le=MS_PLAYED_MAX)
    duration_ms: int = Field(ge=1, description="the track's, from the catalog")
    skipped: bool
    context: PlayContext
    context_id: str = Field(pattern=CONTEXT_ID_PATTERN)
    device: Device
    country: Country
    session_id: str = Field(
        max_length=200, description='the listening session it is part of; "" for none'
    )


class PlayNotCounted(Record):
    """A play that counts nowhere, and why."""

    schema_name = NAMESPACE + "PlayNotCounted"
    listener: MusicId
    track_id: MusicId
    started_at_ms: int = Field(ge=0)
    ms_played: int = Field(ge=0, le=MS_PLAYED_MAX)
    skipped: bool
    reason: NotCountedReason
    context: PlayContext
    context_id: str = Field(pattern=CONTEXT_ID_PATTERN)
    device: Device
    country: Country


class SessionEnded(Record):
    """A listening session closed: a later play came 30 minutes or more after
    its last play ended. Its plays are the PlayCounted with its session_id."""

    schema_name = NAMESPACE + "SessionEnded"
    listener: MusicId
    session_id: str = Field(max_length=200)
    started_at_ms: int = Field(ge=0, description="its first play's start")
    ended_at_ms: int = Field(ge=0, description="its last play's end")
    plays: int = Field(ge=1, description="counted plays in it")
    ms_played: int = Field(ge=0, description="their time played, summed")


class ListeningHistoryDeleted(Record):
    """The listener's plays before `before_ms` are deleted: every figure
    leaves them out from now on, and the live charts take back `removed`."""

    schema_name = NAMESPACE + "ListeningHistoryDeleted"
    listener: MusicId
    before_ms: int = Field(ge=0, description="the cut, at most the request's own time")
    removed: list[CountedPlayRef] = Field(
        max_length=REMOVED_MAX, description="the counted plays of the last 48 h it deletes"
    )


PLAY_COMMANDS: tuple[type[Record], ...] = (
    PlayStarted,
    PlayEnded,
    PlaySkipped,
    DeleteListeningHistory,
)
PLAY_FACTS: tuple[type[Record], ...] = (
    PlayCounted,
    PlayNotCounted,
    SessionEnded,
    ListeningHistoryDeleted,
)
