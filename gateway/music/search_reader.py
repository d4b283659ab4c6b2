"""The search index as the gateway reads it: opened once per process (per
state folder) and reloaded at most every RELOAD_S, so the indexer's new
commits show within that bound and a burst of searches reloads once. A
search runs off the event loop: a query over a large tie may take tens of ms.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from pathlib import Path

from projections.music.search_index import SearchHit, SearchIndex

RELOAD_S = 1.0


class SearchReader:
    """Contract: `search` answers from a commit at most RELOAD_S older than
    the newest the indexer made when it was called."""

    def __init__(self, folder: Path) -> None:
        self._index = SearchIndex.open(folder)
        self._loaded_at = time.monotonic()

    def _search(self, q: str, kinds: Collection[str], limit: int) -> list[SearchHit]:
        now = time.monotonic()
        if now - self._loaded_at >= RELOAD_S:
            self._index.reload()
            self._loaded_at = now
        return self._index.search(q, kinds, limit)

    async def search(self, q: str, kinds: Collection[str], limit: int) -> list[SearchHit]:
        return await asyncio.to_thread(self._search, q, kinds, limit)


_READERS: dict[Path, SearchReader] = {}


def search_reader(folder: Path) -> SearchReader:
    """The process's reader of the index in `folder`."""
    reader = _READERS.get(folder)
    if reader is None:
        reader = _READERS[folder] = SearchReader(folder)
    return reader
