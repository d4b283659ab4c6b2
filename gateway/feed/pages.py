"""A page of a member's home feed, chronological or ranked: the read model's
sources fed to the pure cores (streams/feed/timeline.py `merge_page`,
ranking.py `rank`/`page_after`, visibility.py `may_see`) and a cursor
(cursor.py) for the next page.

Chronological: the pushed timeline (Redis, capped), the recent posts of
followees read by pull (delivery pull, or push for less than a minute: their
backfill may still be landing), and, once a full timeline runs out, the
archive (ClickHouse). Ranked: every candidate of the window (the newest
RANKED_WINDOW timeline entries and pulled posts down to its oldest entry)
scored as of the first page's time; past the last of them the feed goes on chronologically from the
archive. Either way an entry is shown only if its body exists and is not
deleted, the reader follows its author now, and no block stands either way.

Every later page carries the first page's time (`snapshot_ms`): posts
published after it are left to the live stream and a fresh first page, so
a page never repeats or skips an item while new posts arrive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from projections.feed.read import FeedReadModel, ReaderGraph, Ref
from streams.feed.cursor import Cursor, Mode
from streams.feed.ranking import Candidate, Engagement, RankingWeights, page_after, rank
from streams.feed.timeline import ChronoKey, Entry, Source, merge_page, timeline_source
from streams.feed.visibility import Blocks, Route, may_see

# A followee who turned push this recently is still merged: the backfill of
# their posts into the reader's timeline may not have landed yet.
PULL_GRACE_MS = 60_000
# Entries read per source and round, beyond the page's own size.
WINDOW_MIN = 64
# Rounds of reading further (a source ran out of its window) per page: bounded.
MAX_ROUNDS = 8
# A pulled author's posts ranked with the window, at most.
PULLED_RANKED = 200
# The ranked feed's candidates: the newest this many timeline entries (the
# inventory EdgeRank scores); below them the feed goes on chronologically.
# Ranking is the read's own CPU (a page of a full timeline spent most of its
# time scoring ~1,000 candidates), and a post this far down has decayed.
RANKED_WINDOW = 300

ArchiveRead = Callable[[str, ChronoKey, int, int], Awaitable[tuple[Entry, ...]]]
"""(reader, after, snapshot_ms, window) -> the archive's entries older than `after`."""


@dataclass(frozen=True)
class FeedPage:
    items: list[dict[str, Any]]
    next_cursor: Cursor | None


def pulled_followees(
    following: Sequence[str], deliveries: dict[str, tuple[str, int]], now_ms: int
) -> list[str]:
    """The followees whose posts are merged at read (sorted, for a stable read)."""
    return sorted(
        member
        for member in following
        if (d := deliveries.get(member)) is not None
        and (d[0] == "pull" or now_ms - d[1] < PULL_GRACE_MS)
    )


def blocks_of(reader: str, graph: ReaderGraph) -> Blocks:
    return Blocks.of(
        [(reader, other) for other in graph.blocking]
        + [(other, reader) for other in graph.blocked_by]
    )


def shown_rule(
    reader: str, graph: ReaderGraph, heads: dict[str, tuple[str, bool]]
) -> Callable[[Entry], bool]:
    """Whether an entry is shown: a body, not deleted, a followee's, no block."""
    blocks = blocks_of(reader, graph)
    following = graph.following
    seen: dict[str, bool] = {}  # by author: the rule asks of each post's author

    def shown(entry: Entry) -> bool:
        head = heads.get(entry.post_id)
        if head is None or head[1]:
            return False
        author = head[0]
        verdict = seen.get(author)
        if verdict is None:
            verdict = (
                author != reader
                and author in following
                and may_see(blocks, reader, author, Route.TIMELINE)
            )
            seen[author] = verdict
        return verdict

    return shown


def _entries(
    refs: Sequence[Ref], heads: dict[str, tuple[str, bool]], author: str = ""
) -> tuple[Entry, ...]:
    return tuple(
        Entry(post_id, author or heads.get(post_id, ("", False))[0], published_at_ms)
        for post_id, published_at_ms in refs
    )


class FeedPages:
    """Pages of home feeds over one read model, archive and set of weights."""

    def __init__(
        self,
        model: FeedReadModel,
        archive: ArchiveRead,
        *,
        weights: RankingWeights,
        cap: int,
    ) -> None:
        self._model = model
        self._archive = archive
        self._weights = weights
        self._cap = cap

    async def _pulled(self, graph: ReaderGraph, now_ms: int) -> list[str]:
        following = sorted(graph.following)
        found = await self._model.deliveries(following)
        return pulled_followees(
            following, {m: (d.delivery, d.since_ms) for m, d in found.items()}, now_ms
        )

    async def chronological(
        self, reader: str, limit: int, cursor: Cursor | None, now_ms: int
    ) -> FeedPage:
        snapshot = cursor.snapshot_ms if cursor else now_ms
        after = cursor.chronological_anchor if cursor else None
        in_archive = cursor.archive if cursor else False
        entries, next_after, in_archive = await self._chronological_entries(
            reader, limit, after, snapshot, in_archive, now_ms
        )
        items = await self._items(entries, {})
        next_cursor = (
            None
            if next_after is None
            else Cursor(reader, Mode.CHRONOLOGICAL, snapshot, next_after[0], next_after[1],
                        archive=in_archive)
        )  # fmt: skip
        return FeedPage(items, next_cursor)

    async def _chronological_entries(
        self,
        reader: str,
        limit: int,
        after: ChronoKey | None,
        snapshot: int,
        in_archive: bool,
        now_ms: int,
    ) -> tuple[list[Entry], ChronoKey | None, bool]:
        """Up to `limit` shown entries after `after`, the anchor after them
        (None at the feed's end), and whether the next page reads the archive."""
        window = max(2 * limit, WINDOW_MIN)
        collected: list[Entry] = []
        for _ in range(MAX_ROUNDS):
            below_ms = snapshot if after is None else min(snapshot, after[0])
            graph = await self._model.reader_graph(
                reader, below_ms=below_ms, window=window, affinity=False
            )
            pulled = await self._pulled(graph, now_ms)
            by_author = await self._model.author_posts(pulled, below_ms=below_ms, window=window)
            archived: tuple[Entry, ...] = ()
            if in_archive and after is not None:
                archived = await self._archive(reader, after, snapshot, window)
            ids = [p for refs in by_author.values() for p, _ in refs]
            ids += [e.post_id for e in archived] if in_archive else [p for p, _ in graph.timeline]
            facts = await self._model.post_facts(sorted(set(ids)))
            heads = {p: (f.author, f.deleted) for p, f in facts.items()}
            sources = [
                Source("archive", archived, more_below=len(archived) >= window)
                if in_archive
                else timeline_source(
                    _entries(graph.timeline, heads),
                    timeline_size=graph.timeline_size,
                    cap=self._cap,
                    read_whole=len(graph.timeline) < window,
                ),
                *(
                    Source(f"author:{a}", _entries(refs, heads, a), more_below=len(refs) >= window)
                    for a, refs in by_author.items()
                ),
            ]
            page = merge_page(
                sources,
                after=after,
                limit=limit - len(collected),
                shown=shown_rule(reader, graph, heads),
                snapshot_ms=snapshot,
            )
            collected += page.entries
            after = page.next_after
            if after is None or len(collected) >= limit:
                break
            if "timeline" in page.read_further:
                in_archive = True
        return collected, after, in_archive

    async def ranked(self, reader: str, limit: int, cursor: Cursor | None, now_ms: int) -> FeedPage:
        snapshot = cursor.snapshot_ms if cursor else now_ms
        if cursor is not None and cursor.archive:
            entries, next_after, _ = await self._chronological_entries(
                reader, limit, cursor.chronological_anchor, snapshot, True, now_ms
            )
            items = await self._items(entries, {})
            return FeedPage(items, self._archive_cursor(reader, snapshot, next_after))
        graph = await self._model.reader_graph(
            reader, below_ms=snapshot, window=min(self._cap, RANKED_WINDOW), affinity=True
        )
        pulled = await self._pulled(graph, now_ms)
        by_author = await self._model.author_posts(pulled, below_ms=snapshot, window=PULLED_RANKED)
        # More entries than the window holds (or a timeline at its cap, whose
        # older entries are in the archive only): the window's oldest entry is
        # the floor below which the feed goes on chronologically.
        full = bool(graph.timeline) and (
            graph.timeline_size > len(graph.timeline) or graph.timeline_size >= self._cap
        )
        # Below the window's oldest entry the archive takes over, chronologically.
        floor = min((ts, p) for p, ts in graph.timeline) if full else None
        refs = list(graph.timeline) + [
            (p, ts) for r in by_author.values() for p, ts in r if floor is None or (ts, p) >= floor
        ]
        facts = await self._model.post_facts(sorted({p for p, _ in refs}))
        heads = {p: (f.author, f.deleted) for p, f in facts.items()}
        shown = shown_rule(reader, graph, heads)
        visible: dict[str, Entry] = {}
        for p, ts in refs:
            if p in heads and ts <= snapshot:
                entry = Entry(p, heads[p][0], ts)
                if shown(entry):
                    visible[p] = entry
        # Most posts share their counts (none yet): one Engagement per distinct
        # triple, as building a frozen dataclass per candidate was a third of a page.
        engagements: dict[tuple[int, int, int], Engagement] = {}
        candidates = []
        for p, e in visible.items():
            f = facts[p]
            counts = (f.likes, f.comments, f.shares)
            engagement = engagements.get(counts)
            if engagement is None:
                engagement = engagements[counts] = Engagement(*counts)
            candidates.append(Candidate(p, e.author, e.published_at_ms, engagement))
        ranked = rank(candidates, graph.affinity, snapshot, self._weights)
        anchor = cursor.ranked_anchor if cursor is not None else None
        chosen = page_after(ranked, anchor, limit)
        scores = {item.post_id: item.score for item in chosen}
        page_entries = [visible[item.post_id] for item in chosen]
        if len(chosen) == limit:
            last = chosen[-1]
            next_cursor: Cursor | None = Cursor(
                reader, Mode.RANKED, snapshot, last.published_at_ms, last.post_id,
                score=last.score)  # fmt: skip
        elif floor is None:
            next_cursor = None
        else:
            more, next_after, _ = await self._chronological_entries(
                reader, limit - len(chosen), floor, snapshot, True, now_ms
            )
            page_entries += more
            next_cursor = self._archive_cursor(reader, snapshot, next_after)
        items = await self._items(page_entries, scores)
        return FeedPage(items, next_cursor)

    @staticmethod
    def _archive_cursor(reader: str, snapshot: int, after: ChronoKey | None) -> Cursor | None:
        if after is None:
            return None
        return Cursor(reader, Mode.RANKED, snapshot, after[0], after[1], score=0, archive=True)

    async def _items(
        self, entries: Sequence[Entry], scores: dict[str, int]
    ) -> list[dict[str, Any]]:
        """The posts of `entries` as the API shows them, in order; one deleted
        in between is left out."""
        posts = await self._model.posts([e.post_id for e in entries])
        items = []
        for entry in entries:
            post = posts.get(entry.post_id)
            if post is None:
                continue
            if entry.post_id in scores:
                post = {**post, "score": scores[entry.post_id]}
            items.append(post)
        return items
