"""Music search: a tantivy index of tracks, artists, albums and public playlists.

A read model like any other (docs/music.md, Search): the search indexer
(projections/music/search_indexer.py) writes it from music.catalog and
music.playlists into its own folder, `index_folder(settings)` =
settings.state_dir / "music" / "search"; the gateway only reads it:

    index = SearchIndex.open(index_folder(settings))   # once, e.g. in lifespan
    hits = index.search("yesterdy", kinds=("track",), limit=20)
    # -> [SearchHit(document=SearchDocument(key="track:t1", kind="track", ...), score=...)]

`search` sees what the indexer committed last (tantivy's reader reloads on
a new commit by itself, across processes).

Ranking. Each word of the query must match the title (or name) as a word
(tier 4), as the prefix of a word (tier 2, words of 2 characters or more:
what a person types) or within one edit (tier 1, words of 3 characters or
more, as Elasticsearch's AUTO fuzziness: "a" within one edit is every
letter); a word scores its best tier. Within a tier BM25 orders the titles,
scaled so that it never lifts a title over a better tier; equal scores go
to the more popular (counted streams for the catalog, followers for a
playlist), then by key so that an answer is stable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import tantivy

from infra.settings import Settings
from schemas.envelope import Record
from schemas.music.catalog import (
    AlbumPublished,
    ArtistPublished,
    CatalogEntryWithdrawn,
    TrackPublished,
)

Kind = Literal["track", "artist", "album", "playlist"]
KINDS: tuple[Kind, ...] = ("track", "artist", "album", "playlist")

# The analyzer of titles and of queries: words of letters and digits, lower
# case, accents folded ("Beyoncé" is found as "beyonce"), and no word longer
# than tantivy's default 40 bytes (a run of characters is no word).
ANALYZER = "music_words"
WORD_MAX = 40
# Words shorter than these take no prefix or typo tier (see the docstring).
PREFIX_MIN = 2
TYPO_MIN = 3
QUERY_WORDS_MAX = 10
# The tiers' scores, and the factor that keeps BM25 (at most about 30 over
# 100,000 titles) under a tier's step.
EXACT, PREFIX, TYPO = 4.0, 2.0, 1.0
BM25_SCALE = 0.01
# Hits read beyond `limit` so that a run of equal scores cut at the limit is
# ordered by popularity; while the run goes on past what was read, four times
# as many are read, up to the max (a tie larger than that, 20,000 titles
# alike, is cut by tantivy's order).
CANDIDATES_MIN = 200
CANDIDATES_MAX = 20_000
SCORE_DIGITS = 5


@dataclass(frozen=True)
class SearchDocument:
    """One thing that can be found; `key` ("<kind>:<id>") names it in the index."""

    key: str
    kind: Kind
    entity_id: str
    title: str
    popularity: int = 0
    artist_id: str = ""
    album_id: str = ""
    owner: str = ""


@dataclass(frozen=True)
class SearchHit:
    document: SearchDocument
    score: float


def index_folder(settings: Settings) -> Path:
    """Where the search indexer keeps the index and its offsets."""
    return settings.state_dir / "music" / "search"


def document_of(record: Record) -> SearchDocument | None:
    """The document a catalog record publishes; None for any other record
    (a withdrawal: `withdrawn_key`). Popularity is not in the record: the
    indexer sets it from its last refresh."""
    if isinstance(record, TrackPublished):
        return SearchDocument(
            key=record.catalog_id,
            kind="track",
            entity_id=record.track_id,
            title=record.title,
            artist_id=record.artist_id,
            album_id=record.album_id,
        )
    if isinstance(record, AlbumPublished):
        return SearchDocument(
            key=record.catalog_id,
            kind="album",
            entity_id=record.album_id,
            title=record.title,
            artist_id=record.artist_id,
        )
    if isinstance(record, ArtistPublished):
        return SearchDocument(
            key=record.catalog_id, kind="artist", entity_id=record.artist_id, title=record.name
        )
    return None


def withdrawn_key(record: Record) -> str | None:
    """The key a withdrawal takes out of the index; None for any other record."""
    if isinstance(record, CatalogEntryWithdrawn):
        return record.catalog_id
    return None


def playlist_key(playlist_id: str) -> str:
    return f"playlist:{playlist_id}"


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(WORD_MAX))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


_WORDS = _analyzer()


def words_of(text: str) -> list[str]:
    """The words of a title or a query, as the index holds them."""
    return list(_WORDS.analyze(text))


def prefixes_of(title: str) -> str:
    """The title's words' edge n-grams ("love me" -> "lo lov love me"), the
    text of the prefix field: a prefix is then a plain term, found and scored
    as one."""
    grams = {word[:n] for word in words_of(title) for n in range(PREFIX_MIN, len(word) + 1)}
    return " ".join(sorted(grams))


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("entity_id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("title", stored=True, tokenizer_name=ANALYZER, index_option="freq")
    builder.add_text_field("prefixes", tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("popularity", stored=True, fast=True)
    builder.add_text_field("artist_id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("album_id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("owner", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


SCHEMA = _schema()


def open_index(folder: Path) -> tantivy.Index:
    """The index in `folder/index`, created empty if there is none. The
    analyzer is registered on every open: tantivy keeps its name, not it."""
    path = folder / "index"
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
    index.register_tokenizer(ANALYZER, _analyzer())
    return index


def _tantivy_document(document: SearchDocument) -> tantivy.Document:
    return tantivy.Document(
        key=document.key,
        kind=document.kind,
        entity_id=document.entity_id,
        title=document.title,
        prefixes=prefixes_of(document.title),
        popularity=document.popularity,
        artist_id=document.artist_id,
        album_id=document.album_id,
        owner=document.owner,
    )


def _search_document(fields: tantivy.Document) -> SearchDocument:
    def text(name: str) -> str:
        value = fields.get_first(name)
        return value if isinstance(value, str) else ""

    popularity = fields.get_first("popularity")
    kind = text("kind")
    if kind not in KINDS:
        raise ValueError(f"a search document of unknown kind {kind!r}")
    return SearchDocument(
        key=text("key"),
        kind=kind,  # checked against KINDS above
        entity_id=text("entity_id"),
        title=text("title"),
        popularity=popularity if isinstance(popularity, int) else 0,
        artist_id=text("artist_id"),
        album_id=text("album_id"),
        owner=text("owner"),
    )


class SearchIndexWriter:
    """The indexer's side: documents put and dropped by key, published by
    `commit`. A put replaces the document of its key, so a record read twice
    (after a crash, before its offset was committed) is one document."""

    def __init__(self, folder: Path, heap_bytes: int = 64_000_000) -> None:
        self._index = open_index(folder)
        # One thread: the machine's cores are the stages' and the projector's.
        self._writer = self._index.writer(heap_size=heap_bytes, num_threads=1)

    def put(self, document: SearchDocument) -> None:
        self._writer.delete_documents_by_term("key", document.key)
        self._writer.add_document(_tantivy_document(document))

    def drop(self, key: str) -> None:
        self._writer.delete_documents_by_term("key", key)

    def commit(self) -> None:
        """Publish and persist every put and drop since the last commit."""
        self._writer.commit()

    def reader(self) -> SearchIndex:
        """A reader of this index (what is committed), for the popularity refresh."""
        return SearchIndex(self._index)

    def close(self) -> None:
        self._writer.wait_merging_threads()


class SearchIndex:
    """The read side: `search` and, for verify and the tests, `documents`."""

    def __init__(self, index: tantivy.Index) -> None:
        self._index = index

    @classmethod
    def open(cls, folder: Path) -> SearchIndex:
        return cls(open_index(folder))

    def search(self, q: str, kinds: Collection[str] = KINDS, limit: int = 20) -> list[SearchHit]:
        """The best `limit` documents of these kinds for the words of `q`
        (ranked as the module says); [] for a query without a word."""
        query = self._query(words_of(q)[:QUERY_WORDS_MAX], kinds)
        if query is None or limit <= 0:
            return []
        searcher = self._index.searcher()
        hits = self._candidates(searcher, query, limit)
        if not hits:
            return []
        addresses = [address for _score, address in hits]
        popularity = [p or 0 for p in searcher.fast_field_values("popularity", addresses)]
        ranked = sorted(
            (
                (round(score, SCORE_DIGITS), pop, address)
                for (score, address), pop in zip(hits, popularity, strict=True)
            ),
            key=lambda hit: (-hit[0], -hit[1]),
        )
        # Everything as good as the last one kept is read, and the key breaks
        # what score and popularity leave equal: one query, one order,
        # whatever the segments' layout.
        last = ranked[min(limit, len(ranked)) - 1][:2]
        kept = [hit for hit in ranked if (hit[0], hit[1]) >= last]
        found = [
            SearchHit(_search_document(searcher.doc(address)), score)
            for score, _pop, address in kept
        ]
        found.sort(key=lambda h: (-h.score, -h.document.popularity, h.document.key))
        return found[:limit]

    @staticmethod
    def _candidates(
        searcher: tantivy.Searcher, query: tantivy.Query, limit: int
    ) -> list[tuple[float, tantivy.DocAddress]]:
        """The best hits by score, at least `limit`, and all of the run of
        equal scores at the limit (within CANDIDATES_MAX)."""
        wanted = max(limit, CANDIDATES_MIN)
        while True:
            hits: list[tuple[float, tantivy.DocAddress]] = searcher.search(
                query, limit=wanted, count=False
            ).hits
            if len(hits) < wanted or wanted >= CANDIDATES_MAX:
                return hits
            at_limit = round(hits[limit - 1][0], SCORE_DIGITS)
            if round(hits[-1][0], SCORE_DIGITS) < at_limit:
                return hits
            wanted = min(wanted * 4, CANDIDATES_MAX)

    def count(self) -> int:
        """How many documents the last commit holds."""
        return int(self._index.searcher().num_docs)

    def document(self, key: str) -> SearchDocument | None:
        searcher = self._index.searcher()
        query = tantivy.Query.term_query(SCHEMA, "key", key)
        hits = searcher.search(query, limit=1, count=False).hits
        return _search_document(searcher.doc(hits[0][1])) if hits else None

    def documents(self) -> Iterator[SearchDocument]:
        """Every document, in key order: what a rebuild is compared by."""
        searcher = self._index.searcher()
        total = searcher.num_docs
        if total == 0:
            return
        hits = searcher.search(
            tantivy.Query.all_query(), limit=total, count=False, order_by_field=None
        ).hits
        found = [_search_document(searcher.doc(address)) for _score, address in hits]
        yield from sorted(found, key=lambda d: d.key)

    def reload(self) -> None:
        self._index.reload()

    @staticmethod
    def _query(words: list[str], kinds: Collection[str]) -> tantivy.Query | None:
        wanted = [kind for kind in KINDS if kind in kinds]
        if not words or not wanted:
            return None
        clauses = [(tantivy.Occur.Must, _word_query(word)) for word in words]
        kind_terms = [
            (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "kind", kind))
            for kind in wanted
        ]
        # The kinds filter and score nothing (their idf would rank one kind
        # above another).
        kind_filter = tantivy.Query.const_score_query(tantivy.Query.boolean_query(kind_terms), 0.0)
        clauses.append((tantivy.Occur.Must, kind_filter))
        return tantivy.Query.boolean_query(clauses)


def _word_query(word: str) -> tantivy.Query:
    """One query word: its best tier, plus BM25 over the words and prefixes it
    matches as such (not over a typo's, which tantivy scores constant)."""
    exact = tantivy.Query.term_query(SCHEMA, "title", word)
    prefix = tantivy.Query.term_query(SCHEMA, "prefixes", word)
    tiers = [tantivy.Query.const_score_query(exact, EXACT)]
    if len(word) >= PREFIX_MIN:
        tiers.append(tantivy.Query.const_score_query(prefix, PREFIX))
    if len(word) >= TYPO_MIN:
        typo = tantivy.Query.fuzzy_term_query(SCHEMA, "title", word, distance=1)
        tiers.append(tantivy.Query.const_score_query(typo, TYPO))
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, tantivy.Query.disjunction_max_query(tiers)),
            (tantivy.Occur.Should, tantivy.Query.boost_query(exact, BM25_SCALE)),
            (tantivy.Occur.Should, tantivy.Query.boost_query(prefix, BM25_SCALE)),
        ]
    )


def with_popularity(document: SearchDocument, popularity: int) -> SearchDocument:
    return replace(document, popularity=popularity)
