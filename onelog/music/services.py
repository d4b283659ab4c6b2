"""The music service's own processes, which `up` starts after the workers and
`down` stops: the search indexer (projections/music/search_indexer.py), which
keeps the search index in <state dir>/music/search current from the log, and
the weekly timer (streams/music/discovery_timer.py), which ticks the
discovery playlists' recompute once a week."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from infra import processes
from infra.settings import Settings
from onelog.domain import DomainService
from projections.music.search_index import index_folder
from projections.music.search_indexer import is_indexing

SEARCH_INDEXER = "music-search-indexer"
DISCOVERY_TIMER = "music-discovery-timer"


def search_indexer_service(settings: Settings) -> DomainService:
    folder = index_folder(settings)

    def ready(proc: processes.ServiceProcess) -> bool:
        # No listener: ready once it has committed the first time (its
        # topics found, the index and its positions on disk).
        return processes.is_alive(proc.pid) and is_indexing(folder)

    return DomainService(
        name=SEARCH_INDEXER,
        argv=(sys.executable, "-m", "projections.music.search_indexer"),
        ready=ready,
    )


def discovery_timer_service(settings: Settings) -> DomainService:
    return DomainService(
        name=DISCOVERY_TIMER,
        argv=(sys.executable, "-m", "streams.music.discovery_timer"),
        # No listener and nothing on disk: alive is ready (a tick it cannot
        # send yet is tried again).
        ready=lambda proc: processes.is_alive(proc.pid),
    )


def music_services(settings: Settings) -> Sequence[DomainService]:
    return (search_indexer_service(settings), discovery_timer_service(settings))
