"""The play stage's copy of the catalog, folded from music.catalog: the
newest record of a track wins, a withdrawal forgets it, and artists and
albums change nothing a play is decided by."""

from __future__ import annotations

from schemas.music.catalog import AlbumPublished, ArtistPublished, CatalogEntryWithdrawn
from streams.music.play_catalog import Catalog, FoldedCatalog
from tests.unit.streams.music.play_driver import T0, Listener, sealed


def test_a_published_track_answers_its_duration_and_artist_and_the_newest_wins() -> None:
    listener = Listener()
    listener.track("t1", duration_ms=200_000, artist="a1")
    catalog: Catalog = listener.catalog
    assert (catalog.duration_ms("t1"), catalog.artist_of("t1")) == (200_000, "a1")
    listener.track("t1", duration_ms=210_000, artist="a2")
    assert (catalog.duration_ms("t1"), catalog.artist_of("t1")) == (210_000, "a2")
    assert (catalog.duration_ms("t2"), catalog.artist_of("t2")) == (None, None)


def test_a_withdrawn_track_is_unknown_and_a_withdrawn_album_of_that_id_is_not_it() -> None:
    listener = Listener()
    listener.track("x1")
    listener.catalog.apply(
        sealed(CatalogEntryWithdrawn, T0, catalog_id="album:x1", kind="album", entry_id="x1")
    )
    assert listener.catalog.duration_ms("x1") is not None
    listener.withdraw("x1")
    assert listener.catalog.duration_ms("x1") is None and listener.catalog.artist_of("x1") is None


def test_artists_and_albums_leave_the_tracks_as_they_were() -> None:
    catalog = FoldedCatalog()
    catalog.apply(sealed(ArtistPublished, T0, catalog_id="artist:a", artist_id="a", name="A"))
    catalog.apply(
        sealed(
            AlbumPublished,
            T0,
            catalog_id="album:b",
            album_id="b",
            artist_id="a",
            title="B",
            release_date="2001",
        )
    )
    assert catalog.tracks == {}
