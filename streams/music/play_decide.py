"""The play stage, pure: `decide(state, record) -> facts` for one listener.

It takes the listener's records on music.plays and answers on music.listens
(docs/music.md, Plays). A play's end (PlayEnded, or PlaySkipped: a skip is an
end too) is decided once, in this order:

1. `too_old`: it started before the 7-day window, where its key may be forgotten;
2. `duplicate`: its key (listener, track, start) was counted already,
   whatever retried it;
3. `history_deleted`: it started before the cut of a deletion the listener
   asked for, so no figure may hold it, the live charts included;
4. `unknown_track`: the end carries no duration or artist: the gateway,
   which stamps them from its catalog read model, did not know the track;
5. `short`: under the 30-second rule (play_rules.counts_as_stream);

and otherwise it is counted, in the listener's session. Only counted plays
are remembered, so a short play whose end is sent again later with more
played counts then. A start is remembered as now playing, and gives its
context to an end that leaves it out. Time is the record's own: the play's
start and the gateway's `recorded_at`, never the wall clock; sets are read
in sorted order; so the same records give the same facts.
"""

from __future__ import annotations

from enum import StrEnum

from schemas.envelope import Record
from schemas.music.plays import (
    DeleteListeningHistory,
    ListeningHistoryDeleted,
    PlayCounted,
    PlayEnded,
    PlayNotCounted,
    PlaySkipped,
    PlayStarted,
    SessionEnded,
)
from streams.facts import Fact
from streams.music.play_rules import continues_session, counts_as_stream, is_too_old
from streams.music.play_state import (
    CountedPlay,
    OpenPlay,
    PlayedFrom,
    PlayState,
    Session,
    play_key,
)


class NotCounted(StrEnum):
    """Why a play counts nowhere: PlayNotCounted's reason."""

    TOO_OLD = "too_old"
    DUPLICATE = "duplicate"
    HISTORY_DELETED = "history_deleted"
    UNKNOWN_TRACK = "unknown_track"
    SHORT = "short"


def new_state(listener: str) -> PlayState:
    return PlayState(listener)


def decide(state: PlayState, record: Record) -> list[Fact]:
    """The facts `record` leads to for this listener; applies them to `state`."""
    state.forgotten.clear()
    state.advance(record.envelope.recorded_at // 1000)
    if isinstance(record, PlayStarted):
        _start(state, record)
        return []
    if isinstance(record, PlayEnded | PlaySkipped):
        return _end(state, record)
    if isinstance(record, DeleteListeningHistory):
        return _delete(state, record)
    raise TypeError(f"the play stage takes no {type(record).__name__}")


def session_id(listener: str, started_at_ms: int) -> str:
    """A session's id: its listener and the start of the play that opened it."""
    return f"{listener}:{started_at_ms}"


# --- plays ------------------------------------------------------------------------


def _start(state: PlayState, c: PlayStarted) -> None:
    key = play_key(c.track_id, c.started_at_ms)
    if key in state.counted or is_too_old(c.started_at_ms, state.now_ms):
        return
    where = PlayedFrom(c.context, c.context_id, c.device, c.country)
    state.open_play(key, OpenPlay(c.track_id, c.started_at_ms, where))


def _played_from(c: PlayEnded | PlaySkipped, opened: OpenPlay | None) -> PlayedFrom:
    """The end's own context, where it gives one, else its start's."""
    started = opened.played_from if opened is not None else PlayedFrom()
    return PlayedFrom(
        context=c.context if c.context is not None else started.context,
        context_id=c.context_id if c.context_id is not None else started.context_id,
        device=c.device if c.device is not None else started.device,
        country=c.country if c.country is not None else started.country,
    )


def _track(c: PlayEnded | PlaySkipped) -> tuple[int, str] | None:
    """The track's duration and artist as the gateway stamped them from its
    catalog, or None if it lacked either. Never looked up here: the record
    alone decides, so a replay gives the same facts."""
    duration, artist = c.duration_ms, c.artist_id
    return None if duration is None or artist is None else (duration, artist)


def _refusal(
    state: PlayState, c: PlayEnded | PlaySkipped, key: str, track: tuple[int, str] | None
) -> NotCounted | None:
    if is_too_old(c.started_at_ms, state.now_ms):
        return NotCounted.TOO_OLD
    if key in state.counted:
        return NotCounted.DUPLICATE
    if c.started_at_ms < state.deleted_before_ms:
        return NotCounted.HISTORY_DELETED
    if track is None:
        return NotCounted.UNKNOWN_TRACK
    if not counts_as_stream(c.ms_played, track[0]):
        return NotCounted.SHORT
    return None


def _end(state: PlayState, c: PlayEnded | PlaySkipped) -> list[Fact]:
    key = play_key(c.track_id, c.started_at_ms)
    where = _played_from(c, state.open.pop(key, None))
    played = {
        "listener": c.listener, "track_id": c.track_id, "started_at_ms": c.started_at_ms,
        "ms_played": c.ms_played, "skipped": isinstance(c, PlaySkipped),
        "context": where.context, "context_id": where.context_id,
        "device": where.device, "country": where.country,
    }  # fmt: skip
    track = _track(c)
    reason = _refusal(state, c, key, track)
    if reason is not None or track is None:
        reason = reason or NotCounted.UNKNOWN_TRACK
        return [(PlayNotCounted, {**played, "reason": reason.value})]
    duration, artist = track
    facts: list[Fact] = []
    in_session = _join_session(state, c.started_at_ms, c.ms_played, facts)
    state.remember_counted(key, CountedPlay(c.track_id, artist, c.started_at_ms, where.country))
    facts.append((PlayCounted, {
        **played, "artist_id": artist, "duration_ms": duration, "session_id": in_session,
    }))  # fmt: skip
    return facts


def _join_session(state: PlayState, started_at_ms: int, ms_played: int, facts: list[Fact]) -> str:
    """The session a counted play belongs to ("" for none), ending the open
    one first when the play comes 30 minutes or more after it. A play that
    ended 30 minutes or more before the open session began (delivered late)
    belonged to a session already ended: it is counted in none."""
    ended_at_ms = started_at_ms + ms_played
    s = state.session
    if s is not None and not continues_session(ended_at_ms, s.started_at_ms):
        return ""
    if s is not None and continues_session(s.ended_at_ms, started_at_ms):
        s.started_at_ms = min(s.started_at_ms, started_at_ms)
        s.ended_at_ms = max(s.ended_at_ms, ended_at_ms)
        s.plays += 1
        s.ms_played += ms_played
        return s.session_id
    if s is not None:
        facts.append((SessionEnded, {
            "listener": state.listener, "session_id": s.session_id,
            "started_at_ms": s.started_at_ms, "ended_at_ms": s.ended_at_ms,
            "plays": s.plays, "ms_played": s.ms_played,
        }))  # fmt: skip
    opened = session_id(state.listener, started_at_ms)
    state.session = Session(opened, started_at_ms, ended_at_ms, 1, ms_played)
    return opened


# --- deleting history ---------------------------------------------------------------


def _delete(state: PlayState, c: DeleteListeningHistory) -> list[Fact]:
    """Forget the plays before the cut, which is at most the request's own
    time: a deletion never refuses plays still to come. The counted keys
    stay (until the window drops them), so a retried end of a deleted play
    is still a duplicate, never counted again."""
    cut = min(c.before_ms, c.envelope.recorded_at // 1000)
    state.deleted_before_ms = max(state.deleted_before_ms, cut)
    recent_from = state.recent_from_ms()
    taken = sorted(
        (k for k, p in state.recent.items() if p.started_at_ms < cut),
        key=lambda k: (state.recent[k].started_at_ms, k),
    )
    removed = [state.recent.pop(k) for k in taken]
    state.forgotten += [f"recent:{k}" for k in taken]
    state.forget_open(lambda p: p.started_at_ms < cut)
    if state.session is not None and state.session.started_at_ms < cut:
        # Its plays before the cut are gone from every figure; later plays
        # start a session of their own.
        state.session = None
    return [(ListeningHistoryDeleted, {
        "listener": c.listener, "before_ms": cut,
        "removed": [
            {"track_id": p.track_id, "artist_id": p.artist_id,
             "started_at_ms": p.started_at_ms, "country": p.country}
            for p in removed if p.started_at_ms >= recent_from
        ],
    })]  # fmt: skip
