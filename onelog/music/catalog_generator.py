"""A music catalog to load the service with: artists, their albums, the
albums' tracks, as lines for POST /v1/music/catalog (NDJSON, each naming its
"command": artist, album or track, as gateway/music/commands.py's CATALOG_LINES).

Pure and seeded: the same shape and seed give the same catalog, line for
line. The shape of it follows what catalogs look like:

- albums are singles (1 track), EPs (4-6) or LPs (8-14); an artist has 1 to
  8 albums, so 100,000 tracks make about 16,000 albums by 3,500 artists;
- durations 2 to 7 minutes around 3.5, and about 1 track in 100 an
  interlude under 30 s (the 30-second rule counts those only when whole);
- popularity is Zipf-like: the artist of rank r (0 is the most played)
  weighs 1 / (r + 1), and within an artist its hits weigh more than the rest
  (1 / sqrt(k + 1) for its k-th most played track). A play generator draws
  tracks by `popularity`; the catalog records do not carry it (popularity is
  counted from plays, never published);
- names are built from syllables, plus a few common words, so they read as
  names and a search for a word or a prefix finds a handful or thousands.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_TRACKS = 100_000

GENRES = (
    "pop",
    "rock",
    "hip-hop",
    "electronic",
    "jazz",
    "classical",
    "folk",
    "r-n-b",
    "soul",
    "metal",
    "punk",
    "indie",
    "country",
    "reggae",
    "blues",
    "latin",
    "ambient",
    "house",
    "techno",
    "funk",
)
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "m")
# Words everybody sings about: a search for "love" finds thousands.
COMMON_WORDS = (
    "love",
    "night",
    "blue",
    "fire",
    "heart",
    "dream",
    "home",
    "road",
    "summer",
    "rain",
    "gold",
    "light",
)
VOCABULARY_SIZE = 4_000
# Interludes: 10-29 s. The rest: 2-7 min, most near 3.5.
SHORT_TRACK_SHARE = 0.01
MIN_DURATION_MS, MAX_DURATION_MS = 120_000, 420_000
FIRST_YEAR, LAST_YEAR = 1960, 2025


@dataclass(frozen=True)
class CatalogShape:
    tracks: int = DEFAULT_TRACKS
    seed: int = 0
    # Before every id: two catalogs with different prefixes live side by side.
    prefix: str = ""

    def __post_init__(self) -> None:
        if self.tracks < 1:
            raise ValueError("a catalog needs at least one track")
        if not all(c.isascii() and (c.isalnum() or c in "_-") for c in self.prefix):
            raise ValueError("prefix: letters, digits, _ and - (it starts every id)")
        if len(self.prefix) > 40:
            raise ValueError("prefix too long: an id holds at most 64 characters")


@dataclass(frozen=True, slots=True)
class Artist:
    artist_id: str
    name: str
    genres: tuple[str, ...]
    popularity: float


@dataclass(frozen=True, slots=True)
class Album:
    album_id: str
    artist_id: str
    title: str
    release_date: str
    genres: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Track:
    track_id: str
    album_id: str
    artist_id: str
    title: str
    duration_ms: int
    genres: tuple[str, ...]
    release_date: str
    explicit: bool
    # A weight for play generators: relative, not a count.
    popularity: float


@dataclass(frozen=True)
class Catalog:
    shape: CatalogShape
    artists: tuple[Artist, ...]
    albums: tuple[Album, ...]
    tracks: tuple[Track, ...]


def vocabulary(rng: random.Random) -> list[str]:
    """Distinct words of 2 or 3 syllables, then the common words."""
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        syllables = rng.choice((2, 2, 3))
        words.add(
            "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
            + rng.choice(_CODAS)
        )
    return sorted(words) + list(COMMON_WORDS)


def _title(rng: random.Random, words: list[str], most: int) -> str:
    # One word in four a common one, so common words are in many titles.
    chosen = [
        rng.choice(COMMON_WORDS) if rng.random() < 0.25 else rng.choice(words)
        for _ in range(rng.randint(1, most))
    ]
    return " ".join(word.capitalize() for word in chosen)


def _album_sizes(rng: random.Random) -> int:
    kind = rng.random()
    if kind < 0.35:
        return 1
    if kind < 0.55:
        return rng.randint(4, 6)
    return rng.randint(8, 14)


def _release_date(rng: random.Random) -> str:
    """Old releases often known to the year only; newer ones to the day."""
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.random()
    if year < 1980 and precision < 0.3:
        return f"{year}"
    if precision < 0.1:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


def duration_ms(rng: random.Random) -> int:
    if rng.random() < SHORT_TRACK_SHARE:
        return rng.randint(10_000, 29_999)
    around = int(rng.gauss(210_000, 45_000))
    return min(max(around, MIN_DURATION_MS), MAX_DURATION_MS)


def generate_catalog(shape: CatalogShape) -> Catalog:
    """The whole catalog: exactly `shape.tracks` tracks (the last album may
    be cut short), artists in order of popularity."""
    rng = random.Random(shape.seed)
    words = vocabulary(rng)
    digits, prefix = len(str(shape.tracks)), shape.prefix
    artists: list[Artist] = []
    albums: list[Album] = []
    tracks: list[Track] = []
    while len(tracks) < shape.tracks:
        rank = len(artists)
        artist = Artist(
            artist_id=f"{prefix}ar{rank:0{digits}d}",
            name=("The " if rng.random() < 0.15 else "") + _title(rng, words, 2),
            genres=tuple(rng.sample(GENRES, rng.choice((1, 1, 2)))),
            popularity=1.0 / (rank + 1),
        )
        artists.append(artist)
        artist_tracks: list[int] = []
        for _ in range(rng.randint(1, 8)):
            if len(tracks) >= shape.tracks:
                break
            album = Album(
                album_id=f"{prefix}al{len(albums):0{digits}d}",
                artist_id=artist.artist_id,
                title=_title(rng, words, 3),
                release_date=_release_date(rng),
                genres=artist.genres,
            )
            albums.append(album)
            for _ in range(min(_album_sizes(rng), shape.tracks - len(tracks))):
                artist_tracks.append(len(tracks))
                tracks.append(
                    Track(
                        track_id=f"{prefix}t{len(tracks):0{digits}d}",
                        album_id=album.album_id,
                        artist_id=artist.artist_id,
                        title=_title(rng, words, 4),
                        duration_ms=duration_ms(rng),
                        genres=album.genres,
                        release_date=album.release_date,
                        explicit=rng.random() < 0.1,
                        popularity=0.0,  # set below, once the artist's hits are drawn
                    )
                )
        # The artist's hits: a seeded order of its tracks, the first weighing most.
        rng.shuffle(artist_tracks)
        for k, index in enumerate(artist_tracks):
            tracks[index] = replace(tracks[index], popularity=artist.popularity / (k + 1) ** 0.5)
    return Catalog(shape, tuple(artists), tuple(albums), tuple(tracks))


def artist_line(artist: Artist) -> dict[str, Any]:
    return {
        "command": "artist",
        "artist_id": artist.artist_id,
        "name": artist.name,
        "genres": list(artist.genres),
    }


def album_line(album: Album) -> dict[str, Any]:
    return {
        "command": "album",
        "album_id": album.album_id,
        "artist_id": album.artist_id,
        "title": album.title,
        "release_date": album.release_date,
        "genres": list(album.genres),
    }


def track_line(track: Track) -> dict[str, Any]:
    return {
        "command": "track",
        "track_id": track.track_id,
        "album_id": track.album_id,
        "artist_id": track.artist_id,
        "title": track.title,
        "duration_ms": track.duration_ms,
        "genres": list(track.genres),
        "release_date": track.release_date,
        "explicit": track.explicit,
    }


def catalog_lines(catalog: Catalog) -> Iterator[dict[str, Any]]:
    """Artists, then albums, then tracks: each names only what came before."""
    yield from (artist_line(artist) for artist in catalog.artists)
    yield from (album_line(album) for album in catalog.albums)
    yield from (track_line(track) for track in catalog.tracks)


def line_count(catalog: Catalog) -> int:
    return len(catalog.artists) + len(catalog.albums) + len(catalog.tracks)
