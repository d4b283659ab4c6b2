"""The music play stage on the batched engine (streams/engine).

    music.plays (key listener) ── play ──> music.listens (key listener)
                                 (per listener)

A listener's plays, skips and deletions are keyed by the listener, so they
are decided in order with the listener's state on one partition. The
catalog is not looked up here: the gateway stamps a play's end with the
track's duration and artist (docs/music.md, Plays), so the record alone
decides and replay gives the same facts.
"""

from __future__ import annotations

from schemas.music.plays import PLAY_COMMANDS
from schemas.music.topics import MUSIC_PLAY_CHANGELOG, MUSIC_PLAYS
from streams.engine.stage import Stage
from streams.music import play_decide
from streams.music.play_log import PlayLog

NAME = "music.play-stage"

PLAY_STAGE = Stage(
    name=NAME,
    inputs=(MUSIC_PLAYS,),
    changelog=MUSIC_PLAY_CHANGELOG,
    takes=PLAY_COMMANDS,
    new_state=play_decide.new_state,
    decide=play_decide.decide,
    state_log=PlayLog(),
)
