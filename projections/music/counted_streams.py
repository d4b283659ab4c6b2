"""Counted streams per (listener, track) from ClickHouse, asked of the
projector's SQL endpoint in pages: the reader the worker's composition plugs
into the discovery recommender (streams/music/counted_streams.py, the port).

The rows come from music_streams (projections/music/recommendations_sql.py),
so a listener's deleted history is in no playlist computed after the cut.
Pages follow (listener, track_id) order; a play projected between two pages
may shift a row from one page to the next (read twice or not at all): a
weekly figure that tolerates one stream more or less per cell.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from projections.analytics_token import analytics_token
from projections.music.recommendations_sql import PAGE_ROWS_MAX, listener_track_streams_sql

# The matrix read at most: 50 pages of 100,000 cells.
PAGES_MAX = 50


class AnalyticsCountedStreams:
    """Reads the matrix through the projector's SQL endpoint at `analytics_url`."""

    def __init__(self, analytics_url: str, state_dir: Path, timeout_s: float = 60.0) -> None:
        self._url = analytics_url
        self._state_dir = state_dir
        self._timeout_s = timeout_s

    def counted_streams(self) -> list[tuple[str, str, int]]:
        """Every kept (listener, track_id, streams) cell, up to PAGES_MAX pages.

        Raises httpx.HTTPError when the endpoint cannot answer (the projector
        down, a table not there yet).
        """
        # The token is sent, never logged; httpx's errors name the URL only.
        headers = {"Authorization": f"Bearer {analytics_token(self._state_dir)}"}
        cells: list[tuple[str, str, int]] = []
        with httpx.Client(timeout=self._timeout_s) as client:
            for page in range(PAGES_MAX):
                sql = listener_track_streams_sql(PAGE_ROWS_MAX, page * PAGE_ROWS_MAX)
                response = client.post(f"{self._url}/sql", json={"query": sql}, headers=headers)
                response.raise_for_status()
                rows = response.json()["rows"]
                cells.extend((r["listener"], r["track_id"], int(r["streams"])) for r in rows)
                if len(rows) < PAGE_ROWS_MAX:
                    break
        return cells
