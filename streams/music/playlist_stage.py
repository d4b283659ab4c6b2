"""The music playlist stage on the batched engine (streams/engine).

    music.playlist-commands (key playlist_id) ── playlist ──> music.playlists
                                                (per playlist)   (key playlist_id)

A playlist's edits, from every listener who may edit it, are keyed by the
playlist, so the log's order on its partition is the order they are decided
in: concurrent edits resolve by that order (docs/music.md, Playlists). A
track is known when the gateway stamped its duration on the item, so the
record alone decides.
"""

from __future__ import annotations

from schemas.music.playlists import PLAYLIST_COMMANDS
from schemas.music.topics import MUSIC_PLAYLIST_CHANGELOG, MUSIC_PLAYLIST_COMMANDS
from streams.engine.stage import Stage
from streams.music import playlist_decide
from streams.music.playlist_log import PlaylistLog

NAME = "music.playlist-stage"

PLAYLIST_STAGE = Stage(
    name=NAME,
    inputs=(MUSIC_PLAYLIST_COMMANDS,),
    changelog=MUSIC_PLAYLIST_CHANGELOG,
    takes=PLAYLIST_COMMANDS,
    new_state=playlist_decide.new_state,
    decide=playlist_decide.decide,
    state_log=PlaylistLog(),
)
