"""The search indexer's playlist cards (projections/music/search_playlists.py),
private playlists' too, in a SQLite file beside the index.

Cards are written before the index and the positions are committed; a kill
before those re-reads facts over newer cards, which folds to the same cards
(each fact sets absolute values), so the cards need no position of their own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from projections.music.search_playlists import PlaylistCard

CARDS_FILE = "playlist-cards.sqlite"


class PlaylistCards:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / CARDS_FILE)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS cards (playlist_id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
            " name TEXT NOT NULL, public INTEGER NOT NULL, followers INTEGER NOT NULL)"
        )
        self._db.commit()

    def get(self, playlist_id: str) -> PlaylistCard | None:
        row = self._db.execute(
            "SELECT owner, name, public, followers FROM cards WHERE playlist_id = ?",
            (playlist_id,),
        ).fetchone()
        if row is None:
            return None
        owner, name, public, followers = row
        return PlaylistCard(playlist_id, owner, name, bool(public), followers)

    def put(self, card: PlaylistCard) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?)",
            (card.playlist_id, card.owner, card.name, int(card.public), card.followers),
        )

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.close()
