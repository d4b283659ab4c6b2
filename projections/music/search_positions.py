"""Where the search indexer has read to: the next offset of each partition,
kept in a file beside the index.

The indexer commits the index first and this file after, so a kill between
the two re-reads records whose documents are in the index already; a
document is replaced by its key, so nothing is doubled, and nothing is lost.
The positions live in the index's folder (not in a Kafka consumer group) so
that a fresh folder starts from offset 0 by itself: the index and where it
was read to are thrown away together.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

Stream = tuple[str, int]
POSITIONS_FILE = "positions.json"


def load_positions(folder: Path) -> dict[Stream, int]:
    """The next offset to read per (topic, partition); {} for a fresh folder."""
    path = folder / POSITIONS_FILE
    if not path.exists():
        return {}
    saved = json.loads(path.read_text())
    return {(entry["topic"], entry["partition"]): entry["next"] for entry in saved}


def save_positions(folder: Path, positions: dict[Stream, int]) -> None:
    """Replace the file whole (write, fsync, rename): a crash leaves the old
    positions or the new ones, never a torn file."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        {"topic": topic, "partition": partition, "next": offset}
        for (topic, partition), offset in sorted(positions.items())
    ]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{POSITIONS_FILE}.")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(entries, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / POSITIONS_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
