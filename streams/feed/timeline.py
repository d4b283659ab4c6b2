"""A page of a reader's home feed, merged from the pushed timeline and the
recent posts of pulled authors, newest first.

Sources (docs/feed.md): the reader's timeline in Redis (ids with their
publication time, capped, written by the fan-out of pushed authors), the
recent posts of each pulled author the reader follows, and, below the cap,
the archive in ClickHouse. A source says whether it holds everything of its
kind below its newest entry (`more_below` False) or whether older entries may
exist that it was not given: the cap made them fall off, or the read fetched
only a window. The merge never shows an entry older than what an incomplete
source was given, because an entry of that source could belong in between;
it stops there and names the sources to read further (the archive, for the
capped timeline). That is why scrolling back never hits a wall and never
shows posts out of order.

The order is (published_at_ms, post_id) descending: a total order, so a page
boundary is one item (streams/feed/cursor.py). A post in two sources (an
author who crossed K is in both while the pushed copies age out) is shown
once. Deleted posts, and posts the visibility rules hide (the caller's
`shown`, from streams/feed/visibility.py), are dropped without leaving a gap:
the page is filled from the next entries.

Pure: sources are given, nothing is read here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# (published_at_ms, post_id); the chronological order is this key descending.
ChronoKey = tuple[int, str]


@dataclass(frozen=True)
class Entry:
    """A post in a reader's feed: its id, author and publication time (its score)."""

    post_id: str
    author: str
    published_at_ms: int

    @property
    def key(self) -> ChronoKey:
        return (self.published_at_ms, self.post_id)


@dataclass(frozen=True)
class Source:
    """Entries from one place, in any order.

    `more_below`: entries older than the oldest given may exist in this
    source's kind (fallen off the cap, or beyond the window read).
    """

    name: str
    entries: tuple[Entry, ...]
    more_below: bool = False


@dataclass(frozen=True)
class Page:
    """A page, newest first.

    `next_after`: the anchor for the next page, None when the feed has no
    more. `read_further`: when the page is short but the feed may go on, the
    sources whose entries ran out first: read them further (after
    `next_after`; the capped timeline from the archive) and ask again. Empty
    when the page is full or the feed ended.
    """

    entries: tuple[Entry, ...]
    next_after: ChronoKey | None
    read_further: tuple[str, ...] = ()


def capped_timeline(
    entries: Iterable[Entry], cap: int
) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    """What a timeline capped at `cap` keeps (the newest) and what falls off.

    What falls off is not lost: it is in the archive (ClickHouse) and on the
    log, where an older page reads it. Newest first, each post once.
    """
    if cap < 1:
        raise ValueError(f"cap must be >= 1, not {cap!r}")
    ordered = _newest_first(entries)
    return tuple(ordered[:cap]), tuple(ordered[cap:])


def timeline_source(
    entries: Iterable[Entry], *, timeline_size: int, cap: int, read_whole: bool = True
) -> Source:
    """The capped timeline's entries read for a page, as a source.

    `timeline_size`: how many entries the timeline holds (ZCARD); a full one
    may have dropped older posts, which then come from the archive.
    `read_whole`: the read took every entry below the anchor, not a window.
    """
    return Source(
        name="timeline",
        entries=tuple(entries),
        more_below=timeline_size >= cap or not read_whole,
    )


def merge_page(
    sources: Iterable[Source],
    *,
    after: ChronoKey | None,
    limit: int,
    shown: Callable[[Entry], bool],
    snapshot_ms: int | None = None,
) -> Page:
    """The next page of at most `limit` entries after `after`, newest first.

    Contract: entries strictly after `after` (older), published at or before
    `snapshot_ms` if given, for which `shown` is true, each post once, never
    below the oldest entry given by a source with `more_below`.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, not {limit!r}")
    given = list(sources)
    floor, ran_out = _floor(given, after)
    ordered = [
        entry
        for entry in _newest_first(
            entry
            for source in given
            for entry in source.entries
            if (after is None or entry.key < after)
            and (snapshot_ms is None or entry.published_at_ms <= snapshot_ms)
        )
        if (floor is None or entry.key >= floor) and shown(entry)
    ]
    page = tuple(ordered[:limit])
    if len(page) == limit:
        return Page(page, next_after=page[-1].key)
    if floor is not None:
        # Every entry down to the floor was looked at, shown or dropped: the
        # next page starts below it, or a page of hidden posts would be
        # asked for again and again.
        return Page(page, next_after=floor, read_further=ran_out)
    return Page(page, next_after=None)


def _floor(
    sources: Sequence[Source], after: ChronoKey | None
) -> tuple[ChronoKey | None, tuple[str, ...]]:
    """The oldest key a page may show, and the sources that set it.

    An incomplete source given nothing after the anchor bounds the page at
    the anchor itself: every older entry of it is unknown.
    """
    oldest_by_source: dict[str, ChronoKey] = {}
    for source in sources:
        if not source.more_below:
            continue
        keys = [entry.key for entry in source.entries if after is None or entry.key < after]
        if keys:
            oldest = min(keys)
        elif after is not None:
            oldest = after
        else:
            raise ValueError(
                f"source {source.name!r} has more below but gave no entry to start a page from"
            )
        known = oldest_by_source.get(source.name)
        oldest_by_source[source.name] = oldest if known is None else max(known, oldest)
    if not oldest_by_source:
        return None, ()
    floor = max(oldest_by_source.values())
    return floor, tuple(name for name, oldest in oldest_by_source.items() if oldest == floor)


def _newest_first(entries: Iterable[Entry]) -> list[Entry]:
    by_id: dict[str, Entry] = {}
    for entry in entries:
        by_id.setdefault(entry.post_id, entry)
    return sorted(by_id.values(), key=lambda entry: entry.key, reverse=True)
