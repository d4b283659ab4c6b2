"""`onelog audit playlist <playlist_id>`: a playlist's history, from the log
(music.playlist-commands and music.playlists)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from onelog.audit_log import run_audit
from onelog.domain import AuditCommand
from onelog.logged import Logged
from onelog.music.playlist_history import history_text, playlist_history
from schemas.music.topics import MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYLISTS

PLAYLIST_TOPICS = (MUSIC_PLAYLIST_COMMANDS.name, MUSIC_PLAYLISTS.name)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("playlist_id")


def audit_playlist(args: argparse.Namespace) -> int:
    def tell(logged: Iterator[Logged]) -> tuple[str, Mapping[str, Any]] | None:
        history = playlist_history(args.playlist_id, logged)
        return (history_text(history), asdict(history)) if history.lines else None

    return run_audit(args, "playlist", args.playlist_id, PLAYLIST_TOPICS, tell)


AUDIT_PLAYLIST = AuditCommand("playlist", _arguments, audit_playlist)
