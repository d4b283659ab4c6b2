"""Music search's ranking on a real tantivy index in a temporary folder:
exact word over prefix over one typo, equal scores by popularity, two typos
not found, the kinds filter, and the documents the catalog's records make."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.music.search_index import (
    SearchDocument,
    SearchIndex,
    SearchIndexWriter,
    document_of,
    prefixes_of,
    withdrawn_key,
    words_of,
)
from schemas.music.catalog import (
    AlbumPublished,
    ArtistPublished,
    CatalogEntryWithdrawn,
    TrackPublished,
)
from tests.unit.schemas.samples import ENVELOPE


def track(track_id: str, title: str, popularity: int = 0) -> SearchDocument:
    return SearchDocument(f"track:{track_id}", "track", track_id, title, popularity)


def indexed(folder: Path, *documents: SearchDocument) -> SearchIndex:
    writer = SearchIndexWriter(folder)
    for document in documents:
        writer.put(document)
    writer.commit()
    writer.close()
    return SearchIndex.open(folder)


def keys(index: SearchIndex, q: str, **options: object) -> list[str]:
    return [hit.document.key for hit in index.search(q, **options)]  # type: ignore[arg-type]


def test_an_exact_word_ranks_over_a_prefix_over_one_typo(tmp_path: Path) -> None:
    index = indexed(
        tmp_path,
        track("typo", "Yesterdax"),
        track("prefix", "Yesterdays"),
        track("exact", "Yesterday"),
        # Popularity orders equal scores only: it never lifts a worse tier.
        track("typo-but-popular", "Yesterdey", popularity=1_000_000),
    )
    assert keys(index, "yesterday") == [
        "track:exact",
        "track:prefix",
        "track:typo-but-popular",
        "track:typo",
    ]


def test_equal_scores_go_to_the_more_popular_then_by_key(tmp_path: Path) -> None:
    index = indexed(
        tmp_path,
        track("b", "Halo", popularity=5),
        track("c", "Halo", popularity=50),
        track("a", "Halo", popularity=5),
    )
    assert keys(index, "halo") == ["track:c", "track:a", "track:b"]
    assert keys(index, "halo", limit=2) == ["track:c", "track:a"]


def test_a_tie_cut_at_the_limit_is_still_ordered_by_popularity(tmp_path: Path) -> None:
    # 1,000 equal titles (more than the first candidates read past the
    # limit), the most popular added last: the top 3 are still the 3 most popular.
    documents = [track(f"t{i:03}", "Intro", popularity=i) for i in range(1000)]
    index = indexed(tmp_path, *documents)
    assert keys(index, "intro", limit=3) == ["track:t999", "track:t998", "track:t997"]


@pytest.mark.parametrize("q", ["yestrday", "yesteday", "yesterdya", "ysterday", "YESTERDAY"])
def test_one_typo_or_another_case_is_found(tmp_path: Path, q: str) -> None:
    assert keys(indexed(tmp_path, track("t", "Yesterday")), q) == ["track:t"]


@pytest.mark.parametrize("q", ["yestrdy", "yesterdaaay", "ystrday", "xesterdax", "yesterdxx"])
def test_two_typos_are_not_found(tmp_path: Path, q: str) -> None:
    assert keys(indexed(tmp_path, track("t", "Yesterday")), q) == []


def test_a_prefix_of_each_word_and_accents_folded(tmp_path: Path) -> None:
    index = indexed(tmp_path, track("t", "Crazy in Love (feat. Beyoncé)"))
    assert keys(index, "cra beyon") == ["track:t"]
    assert keys(index, "Beyonce LOVE") == ["track:t"]
    # Every word must be found: one that is in no title finds nothing.
    assert keys(index, "crazy zebra") == []


def test_short_words_are_words_only(tmp_path: Path) -> None:
    index = indexed(tmp_path, track("a", "A"), track("b", "B"), track("ab", "Abba"))
    assert keys(index, "a") == ["track:a"]  # no typo tier for one letter
    assert keys(index, "ab") == ["track:ab"]  # a prefix, no typo tier for two


def test_the_kinds_filter(tmp_path: Path) -> None:
    index = indexed(
        tmp_path,
        track("t", "Abbey Road"),
        SearchDocument("album:al", "album", "al", "Abbey Road", popularity=9),
        SearchDocument("artist:ar", "artist", "ar", "Abbey Road Singers"),
        SearchDocument("playlist:p", "playlist", "p", "Road trip", owner="l1"),
    )
    assert keys(index, "road", kinds=("album", "track")) == ["album:al", "track:t"]
    assert keys(index, "road", kinds=("playlist",)) == ["playlist:p"]
    assert keys(index, "road", kinds=()) == []
    assert sorted(keys(index, "road")) == ["album:al", "artist:ar", "playlist:p", "track:t"]


def test_a_put_replaces_the_document_of_its_key(tmp_path: Path) -> None:
    writer = SearchIndexWriter(tmp_path)
    writer.put(track("t", "Old title"))
    writer.commit()
    writer.put(track("t", "New title", popularity=3))
    writer.put(track("t", "New title", popularity=3))
    writer.put(track("gone", "Gone"))
    writer.drop("track:gone")
    writer.commit()
    index = SearchIndex.open(tmp_path)
    assert list(index.documents()) == [track("t", "New title", popularity=3)]
    assert keys(index, "old") == []


def test_a_query_without_a_word_finds_nothing(tmp_path: Path) -> None:
    index = indexed(tmp_path, track("t", "Yesterday"))
    assert index.search("  ,;!  ") == []
    assert index.search("yesterday", limit=0) == []


def test_words_and_prefixes_as_indexed() -> None:
    assert words_of("Beyonc\u00e9 \u2013 Halo (Live)") == ["beyonce", "halo", "live"]
    assert prefixes_of("Love me") == "lo lov love me"


def test_the_documents_of_catalog_records() -> None:
    published = TrackPublished(
        envelope=ENVELOPE,
        catalog_id="track:t1",
        track_id="t1",
        album_id="al1",
        artist_id="ar1",
        title="Yesterday",
        duration_ms=125_000,
        release_date="1965",
    )
    assert document_of(published) == SearchDocument(
        "track:t1", "track", "t1", "Yesterday", artist_id="ar1", album_id="al1"
    )
    album = AlbumPublished(
        envelope=ENVELOPE,
        catalog_id="album:al1",
        album_id="al1",
        artist_id="ar1",
        title="Help!",
        release_date="1965-08-06",
    )
    assert document_of(album) == SearchDocument(
        "album:al1", "album", "al1", "Help!", artist_id="ar1"
    )
    artist = ArtistPublished(envelope=ENVELOPE, catalog_id="artist:ar1", artist_id="ar1", name="X")
    assert document_of(artist) == SearchDocument("artist:ar1", "artist", "ar1", "X")
    withdrawn = CatalogEntryWithdrawn(
        envelope=ENVELOPE, catalog_id="track:t1", kind="track", entry_id="t1"
    )
    assert document_of(withdrawn) is None
    assert withdrawn_key(withdrawn) == "track:t1"
    assert withdrawn_key(published) is None
