"""The music service's deciding side (issue 12, docs/music.md).

Pure cores: the play stage's `play_rules.py` (the 30-second rule, the dedupe
window, the session gap), `play_state.py` and `play_decide.py` (a listener's
plays counted once, sessions, deleting history), each play decided from
the record alone (the gateway stamps the catalog's duration and
artist on it); the playlist stage's `playlist_state.py` and
`playlist_decide.py` (an ordered item list under concurrent edits). Its
stages on the engine are listed in STREAMS.
"""

from __future__ import annotations

from streams.domain import StreamsDomain
from streams.music.play_stage import PLAY_STAGE
from streams.music.playlist_stage import PLAYLIST_STAGE

STREAMS = StreamsDomain(name="music", stages=(PLAY_STAGE, PLAYLIST_STAGE))
