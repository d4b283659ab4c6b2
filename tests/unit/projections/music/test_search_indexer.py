"""The search indexer's fold, without Kafka: records applied to a real index
in a temporary folder. Public playlists are found and private ones are not,
a playlist made private leaves the index and comes back by its name when
public again; records applied again after a crash (positions not saved)
leave the same documents; popularity is put on the documents it changed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from projections.music.search_index import SearchDocument, SearchIndex
from projections.music.search_indexer import SearchIndexer, log_documents
from projections.music.search_positions import POSITIONS_FILE, load_positions
from schemas.envelope import Record
from schemas.music.catalog import CatalogEntryWithdrawn, TrackPublished
from schemas.music.playlists import (
    PlaylistCreated,
    PlaylistFollowed,
    PlaylistItem,
    PlaylistRenamed,
    PlaylistVisibilityChanged,
    TracksAdded,
)
from tests.unit.schemas.samples import ENVELOPE

CATALOG, PLAYLISTS = "music.catalog", "music.playlists"


def published(track_id: str, title: str) -> TrackPublished:
    return TrackPublished(
        envelope=ENVELOPE,
        catalog_id=f"track:{track_id}",
        track_id=track_id,
        album_id="al",
        artist_id="ar",
        title=title,
        duration_ms=200_000,
        release_date="2001",
    )


def playlist_facts() -> list[Record]:
    return [
        PlaylistCreated(
            envelope=ENVELOPE,
            playlist_id="p1",
            owner="l1",
            name="Road trip",
            description="",
            visibility="private",
            version=1,
        ),
        PlaylistRenamed(
            envelope=ENVELOPE, playlist_id="p1", actor="l1", name="Summer road", version=2
        ),
        PlaylistVisibilityChanged(
            envelope=ENVELOPE, playlist_id="p1", actor="l1", visibility="public", version=3
        ),
        TracksAdded(
            envelope=ENVELOPE,
            playlist_id="p1",
            actor="l1",
            items=[PlaylistItem(item_id="i1", track_id="t1")],
            after_item=None,
            version=4,
        ),
        PlaylistFollowed(
            envelope=ENVELOPE, playlist_id="p1", listener="l2", followers=1, version=4
        ),
    ]


def apply_all(
    indexer: SearchIndexer, topic: str, records: Sequence[Record], start: int = 0
) -> None:
    for offset, record in enumerate(records, start):
        indexer.apply(record, topic, 0, offset)


def found(folder: Path, q: str) -> list[str]:
    return [hit.document.key for hit in SearchIndex.open(folder).search(q)]


def test_a_public_playlist_is_found_by_its_name_a_private_one_is_not(tmp_path: Path) -> None:
    facts = playlist_facts()
    indexer = SearchIndexer(tmp_path)
    apply_all(indexer, PLAYLISTS, facts[:2])  # created private, renamed
    indexer.commit()
    assert found(tmp_path, "summer") == []
    apply_all(indexer, PLAYLISTS, facts[2:], start=2)  # made public, followed
    indexer.commit()
    assert list(SearchIndex.open(tmp_path).documents()) == [
        SearchDocument("playlist:p1", "playlist", "p1", "Summer road", popularity=1, owner="l1")
    ]
    private_again = PlaylistVisibilityChanged(
        envelope=ENVELOPE, playlist_id="p1", actor="l1", visibility="private", version=5
    )
    indexer.apply(private_again, PLAYLISTS, 0, 5)
    indexer.commit()
    assert list(SearchIndex.open(tmp_path).documents()) == []
    indexer.close()


def test_records_applied_again_after_a_kill_leave_the_same_documents(tmp_path: Path) -> None:
    catalog = [
        published("t1", "Yesterday"),
        published("t2", "Let it be"),
        published("t1", "Yesterday (Remastered)"),
        CatalogEntryWithdrawn(
            envelope=ENVELOPE, catalog_id="track:t2", kind="track", entry_id="t2"
        ),
        published("t3", "Help"),
    ]
    once = tmp_path / "once"
    indexer = SearchIndexer(once)
    apply_all(indexer, CATALOG, catalog)
    apply_all(indexer, PLAYLISTS, playlist_facts())
    indexer.commit()
    indexer.close()

    # The kill: cards and index committed, the positions not (the file as
    # the first commit left it), so the records past offset 2 are read again.
    twice = tmp_path / "twice"
    indexer = SearchIndexer(twice)
    apply_all(indexer, CATALOG, catalog[:2])
    indexer.commit()
    positions_at_the_kill = (twice / POSITIONS_FILE).read_bytes()
    apply_all(indexer, CATALOG, catalog[2:], start=2)
    apply_all(indexer, PLAYLISTS, playlist_facts())
    indexer.commit()
    indexer.close()
    (twice / POSITIONS_FILE).write_bytes(positions_at_the_kill)
    assert load_positions(twice) == {(CATALOG, 0): 2}
    again = SearchIndexer(twice)
    apply_all(again, CATALOG, catalog[2:], start=2)
    apply_all(again, PLAYLISTS, playlist_facts())
    again.commit()
    again.close()

    assert log_documents(twice) == log_documents(once)
    assert [d.key for d in log_documents(once)] == ["playlist:p1", "track:t1", "track:t3"]
    assert load_positions(twice) == {(CATALOG, 0): 5, (PLAYLISTS, 0): 5}


def test_popularity_is_put_on_the_documents_whose_figure_changed(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path)
    apply_all(indexer, CATALOG, [published("a", "Halo"), published("b", "Halo")])
    indexer.commit()
    assert indexer.refresh_popularity({"track:b": 7, "track:gone": 3}) == 1
    assert found(tmp_path, "halo") == ["track:b", "track:a"]
    assert indexer.refresh_popularity({"track:a": 9, "track:b": 7}) == 1
    assert found(tmp_path, "halo") == ["track:a", "track:b"]
    # A re-published track keeps its figure; a restart keeps the figures.
    indexer.apply(published("a", "Halo"), CATALOG, 0, 2)
    indexer.commit()
    indexer.close()
    restarted = SearchIndexer(tmp_path)
    assert restarted.popularity == {"track:a": 9, "track:b": 7}
    assert found(tmp_path, "halo") == ["track:a", "track:b"]
    restarted.close()
