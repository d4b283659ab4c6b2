"""`onelog audit playlist <playlist_id>`: a playlist's history, from the log
(music.playlist-commands and music.playlists)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.domain import AuditCommand
from onelog.music.playlist_history import Logged, history_text, playlist_history
from onelog.output import print_result
from schemas.codec import DecodeError
from schemas.music.topics import MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYLISTS
from schemas.registry import registry

PLAYLIST_TOPICS = (MUSIC_PLAYLIST_COMMANDS.name, MUSIC_PLAYLISTS.name)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("playlist_id")


def logged_records(bootstrap: str, on_record: Callable[[], None]) -> Iterator[Logged]:
    """Every playlist record now on the log, decoded (what no schema reads is skipped)."""
    from infra.log_reader import read_all

    reg = registry()
    for rec in read_all(bootstrap, list(PLAYLIST_TOPICS)):
        on_record()
        try:
            record = reg.decode(rec.value)
        except DecodeError:
            continue
        yield Logged(rec.topic, rec.partition, rec.offset, record)


def audit_playlist(args: argparse.Namespace) -> int:
    from infra.kafka_broker import bootstrap_servers

    settings = load_settings()
    bar = ProgressBar("reading the log", None, enabled=not args.json, unit="records")
    history = playlist_history(
        args.playlist_id, logged_records(bootstrap_servers(settings), bar.advance)
    )
    bar.close()
    if not history.lines:
        print(f"no record on the log names playlist {args.playlist_id}", file=sys.stderr)
        return 1
    print_result(args, history_text(history), asdict(history))
    return 0


AUDIT_PLAYLIST = AuditCommand("playlist", _arguments, audit_playlist)
