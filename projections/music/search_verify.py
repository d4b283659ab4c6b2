"""Verifying the search index: a rebuild from offset 0 into a fresh folder,
compared with the live index by the documents the log decides
(search_indexer.log_documents).

The two are compared at one position of the log: the rebuild reads to the
end as it stands, then the live indexer is waited for (bounded) until its
positions are the rebuild's. If the log moved on meanwhile, the live index
is past the rebuild and the answer says so instead of a false difference.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field

from infra.settings import Settings
from projections.music.search_index import SearchDocument, index_folder
from projections.music.search_indexer import log_documents, rebuild
from projections.music.search_positions import load_positions


@dataclass(frozen=True)
class SearchVerdict:
    """`equal` when both hold the same documents at the same positions;
    `differences` names the keys that differ (at most a few)."""

    equal: bool
    documents: int
    compared_at_same_position: bool
    differences: list[str] = field(default_factory=list)


def compare(
    live: list[SearchDocument], rebuilt: list[SearchDocument], shown: int = 10
) -> list[str]:
    """The keys whose documents differ, or that only one side holds (pure)."""
    live_by_key = {d.key: d for d in live}
    rebuilt_by_key = {d.key: d for d in rebuilt}
    keys = sorted(live_by_key.keys() | rebuilt_by_key.keys())
    differing = [k for k in keys if live_by_key.get(k) != rebuilt_by_key.get(k)]
    if len(live) != len(live_by_key):
        differing.insert(0, "(a key twice in the live index)")
    return differing[:shown]


def verify_search(settings: Settings, wait_s: float = 30.0) -> SearchVerdict:
    """Rebuild beside the live folder, compare, and remove the rebuild."""
    live = index_folder(settings)
    rebuilt = live.with_name(f"search-verify-{time.time_ns()}")
    try:
        rebuild(settings, rebuilt)
        target = load_positions(rebuilt)
        deadline = time.monotonic() + wait_s
        while _behind(load_positions(live), target) and time.monotonic() < deadline:
            time.sleep(0.5)
        same_position = load_positions(live) == target
        live_documents, rebuilt_documents = log_documents(live), log_documents(rebuilt)
        differences = compare(live_documents, rebuilt_documents)
        return SearchVerdict(
            equal=same_position and not differences,
            documents=len(rebuilt_documents),
            compared_at_same_position=same_position,
            differences=differences,
        )
    finally:
        shutil.rmtree(rebuilt, ignore_errors=True)


def _behind(live: dict[tuple[str, int], int], target: dict[tuple[str, int], int]) -> bool:
    return any(live.get(stream, 0) < offset for stream, offset in target.items())
