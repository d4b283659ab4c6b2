"""The music service's deciding side (issue 12, docs/music.md).

Pure cores: the play stage's `play_rules.py` (the 30-second rule, the dedupe
window, the session gap), `play_state.py` and `play_decide.py` (a listener's
plays counted once, sessions, deleting history), with the catalog it is
given as a port (`play_catalog.py`); the playlist stage's `playlist_state.py`
and `playlist_decide.py` (an ordered item list under concurrent edits). Not
registered yet: no stage runs on the engine.
"""
