"""The port through which the discovery recommender reads what it computes
from: counted streams per (listener, track), deleted plays left out.

streams/ may not import projections, so the worker's composition plugs in a
reader of ClickHouse (projections/music/counted_streams.py) under
COUNTED_STREAMS (streams/domain.py, Plugs).
"""

from __future__ import annotations

from typing import Protocol

from streams.music.discovery import StreamCount

COUNTED_STREAMS = "music.counted_streams"
"""The port name the worker's composition plugs the reader in under."""


class CountedStreams(Protocol):
    def counted_streams(self) -> list[StreamCount]:
        """Every (listener, track_id, streams) cell with at least one counted
        stream kept, as ClickHouse holds them when asked. Blocking; raises
        when the source cannot answer (the caller retries, then gives up)."""
        ...
