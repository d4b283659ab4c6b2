"""The play stage's state as small parts on its changelog (the StateLog of
streams/state_log.py for `PlayState`).

Parts of one listener, each orjson:

    clock               [now_ms, pruned_at_ms, deleted_before_ms]
    session             [session_id, started_at_ms, ended_at_ms, plays, ms_played]
                        (none while no session is open)
    counted:<key>       the counted play's start (its key is track@start)
    open:<key>          [track_id, started_at_ms, context, context_id, device,
                        country] of a play started and not yet ended
    recent:<key>        [track_id, artist_id, started_at_ms, country] of a
                        counted play of the last 48 h

A play writes the clock and the two or three parts of its own key, never the
listener's week of plays. What a pass, a cap or a deletion forgets in bulk is
tombstoned from `PlayState.forgotten`, the only trace the decide leaves of
it. A play's key is `<track_id>@<started_at_ms>` and ids hold no ":", so a
sub-key splits at its first ":".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from schemas.envelope import Record
from schemas.music.plays import DeleteListeningHistory, PlayEnded, PlaySkipped, PlayStarted
from streams.facts import Fact
from streams.music.play_state import (
    CountedPlay,
    OpenPlay,
    PlayedFrom,
    PlayState,
    Session,
    play_key,
)

CLOCK = "clock"
SESSION = "session"
COUNTED = "counted:"
OPEN = "open:"
RECENT = "recent:"


class PlayLog:
    """Writes and restores one listener's play state as parts. Pure."""

    def touched(self, state: PlayState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        # Every record may move the clock; a part named twice is written once.
        parts = [CLOCK]
        if isinstance(cause, PlayStarted | PlayEnded | PlaySkipped):
            key = play_key(cause.track_id, cause.started_at_ms)
            parts.append(OPEN + key)
            if facts:  # an end: counted (and maybe a session moved) or not
                parts += [COUNTED + key, RECENT + key, SESSION]
        elif isinstance(cause, DeleteListeningHistory):
            parts.append(SESSION)
        return parts + state.forgotten

    def entry(self, state: PlayState, sub_key: str) -> bytes | None:
        if sub_key == CLOCK:
            return orjson.dumps([state.now_ms, state.pruned_at_ms, state.deleted_before_ms])
        if sub_key == SESSION:
            s = state.session
            if s is None:
                return None
            return orjson.dumps(
                [s.session_id, s.started_at_ms, s.ended_at_ms, s.plays, s.ms_played]
            )
        kind, _, key = sub_key.partition(":")
        if kind == "counted":
            started = state.counted.get(key)
            return None if started is None else orjson.dumps(started)
        if kind == "open":
            o = state.open.get(key)
            if o is None:
                return None
            w = o.played_from
            return orjson.dumps(
                [o.track_id, o.started_at_ms, w.context, w.context_id, w.device, w.country]
            )
        if kind == "recent":
            r = state.recent.get(key)
            if r is None:
                return None
            return orjson.dumps([r.track_id, r.artist_id, r.started_at_ms, r.country])
        raise ValueError(f"{sub_key!r} is no part of a listener's play state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> PlayState:
        state = PlayState(key)
        opened: list[tuple[str, OpenPlay]] = []
        recent: list[tuple[str, CountedPlay]] = []
        for sub_key, value in parts.items():
            data: Any = orjson.loads(value)
            kind, _, name = sub_key.partition(":")
            if sub_key == CLOCK:
                state.now_ms, state.pruned_at_ms, state.deleted_before_ms = data
            elif sub_key == SESSION:
                state.session = Session(*data)
            elif kind == "counted":
                state.counted[name] = data
            elif kind == "open":
                track_id, started_at_ms, *where = data
                opened.append((name, OpenPlay(track_id, started_at_ms, PlayedFrom(*where))))
            elif kind == "recent":
                recent.append((name, CountedPlay(*data)))
            else:
                raise ValueError(f"{sub_key!r} is no part of a listener's play state")
        # Dicts compare without order, but the decide reads them in sorted
        # order anyway; restored in key order, two restores are alike.
        state.open = dict(sorted(opened))
        state.recent = dict(sorted(recent))
        state.counted = dict(sorted(state.counted.items()))
        return state

    def parts(self, state: PlayState) -> dict[str, bytes]:
        """Every live part of `state`: what a compacted changelog holds of it."""
        names = [CLOCK, SESSION]
        names += [COUNTED + k for k in state.counted] + [OPEN + k for k in state.open]
        names += [RECENT + k for k in state.recent]
        entries = {name: self.entry(state, name) for name in names}
        return {name: value for name, value in entries.items() if value is not None}
