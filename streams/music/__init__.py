"""The music service's deciding side (issue 12, docs/music.md).

Pure cores: the play stage's `play_rules.py` (the 30-second rule, the dedupe
window, the session gap), `play_state.py` and `play_decide.py` (a listener's
plays counted once, sessions, deleting history), each play decided from
the record alone (the gateway stamps the catalog's duration and
artist on it); the playlist stage's `playlist_state.py` and
`playlist_decide.py` (an ordered item list under concurrent edits). Its
stages on the engine are listed in STREAMS. The weekly discovery's
recommender (discovery.py, an acting Faust agent in discovery_agent.py)
reads ClickHouse through a port (counted_streams.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from streams.domain import Plugs, StreamsDomain
from streams.music.play_stage import PLAY_STAGE
from streams.music.playlist_stage import PLAYLIST_STAGE

if TYPE_CHECKING:
    import faust


def _agents(app: faust.App, plugs: Plugs) -> None:
    # Imported here: the recommender loads implicit and scipy, which only a
    # worker needs.
    from streams.music import discovery_agent

    discovery_agent.register(app, plugs)


STREAMS = StreamsDomain(name="music", stages=(PLAY_STAGE, PLAYLIST_STAGE), agents=_agents)
