"""Pages merged from the capped timeline, pulled authors and the archive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.feed.timeline import (
    ChronoKey,
    Entry,
    Page,
    Source,
    capped_timeline,
    merge_page,
    timeline_source,
)


def everything(_: Entry) -> bool:
    return True


def ids(page: Page) -> list[str]:
    return [entry.post_id for entry in page.entries]


def entry(post_id: str, at: int, author: str = "ann") -> Entry:
    return Entry(post_id, author, at)


def test_a_celebrity_post_appears_among_pushed_ones_by_time() -> None:
    timeline = Source("timeline", (entry("p1", 10), entry("p3", 30)))
    celebrity = Source("cele", (entry("c2", 20, "cele"), entry("c4", 40, "cele")))
    page = merge_page([timeline, celebrity], after=None, limit=10, shown=everything)
    assert ids(page) == ["c4", "p3", "c2", "p1"]
    assert page.next_after is None


def test_deleted_and_hidden_posts_are_dropped_and_the_page_filled_from_below() -> None:
    timeline = Source("timeline", tuple(entry(f"p{i}", i) for i in range(6)))
    page = merge_page(
        [timeline], after=None, limit=3, shown=lambda item: item.post_id not in {"p5", "p3"}
    )
    assert ids(page) == ["p4", "p2", "p1"]
    assert page.next_after == (1, "p1") and page.read_further == ()


def test_a_post_in_both_the_timeline_and_a_pulled_author_is_shown_once() -> None:
    both = entry("x", 5, "cele")
    page = merge_page(
        [Source("timeline", (both,)), Source("cele", (both,))],
        after=None,
        limit=5,
        shown=everything,
    )
    assert ids(page) == ["x"]


def test_the_same_time_is_ordered_by_post_id() -> None:
    page = merge_page(
        [Source("timeline", (entry("a", 7), entry("c", 7), entry("b", 7)))],
        after=(7, "c"),
        limit=5,
        shown=everything,
    )
    assert ids(page) == ["b", "a"]


def test_posts_after_the_snapshot_wait_for_a_fresh_first_page() -> None:
    timeline = Source("timeline", (entry("old", 10), entry("new", 99)))
    page = merge_page([timeline], after=None, limit=5, shown=everything, snapshot_ms=50)
    assert ids(page) == ["old"]


def test_a_full_timeline_stops_the_page_at_its_oldest_entry_and_asks_for_the_archive() -> None:
    kept, fallen = capped_timeline([entry(f"p{i}", i * 10) for i in range(5)], cap=3)
    assert [item.post_id for item in kept] == ["p4", "p3", "p2"]
    assert [item.post_id for item in fallen] == ["p1", "p0"]
    # A celebrity post older than the timeline's oldest entry must wait: a
    # fallen-off pushed post (p1 at 10) belongs before it.
    celebrity = Source("cele", (entry("c", 5, "cele"),))
    timeline = timeline_source(kept, timeline_size=3, cap=3)
    page = merge_page([timeline, celebrity], after=None, limit=10, shown=everything)
    assert ids(page) == ["p4", "p3", "p2"]
    assert page.next_after == (20, "p2") and page.read_further == ("timeline",)
    archive = Source("timeline", kept + fallen)
    rest = merge_page([archive, celebrity], after=page.next_after, limit=10, shown=everything)
    assert ids(rest) == ["p1", "c", "p0"] and rest.next_after is None


def test_an_empty_full_timeline_below_the_anchor_yields_nothing_but_the_archive_request() -> None:
    timeline = timeline_source([], timeline_size=3, cap=3)
    celebrity = Source("cele", (entry("c", 5, "cele"),))
    page = merge_page([timeline, celebrity], after=(10, "p"), limit=10, shown=everything)
    assert page == Page((), next_after=(10, "p"), read_further=("timeline",))


def test_a_page_whose_entries_are_all_hidden_moves_the_anchor_on() -> None:
    kept = (entry("q", 0), entry("p", 0))
    timeline = timeline_source(kept[:1], timeline_size=2, cap=2, read_whole=False)
    page = merge_page([timeline], after=None, limit=1, shown=lambda item: item.post_id != "q")
    assert page == Page((), next_after=(0, "q"), read_further=("timeline",))


def test_refusals() -> None:
    with pytest.raises(ValueError, match="gave no entry"):
        merge_page([Source("cele", (), more_below=True)], after=None, limit=1, shown=everything)
    with pytest.raises(ValueError, match="limit"):
        merge_page([], after=None, limit=0, shown=everything)
    with pytest.raises(ValueError, match="cap"):
        capped_timeline([], cap=0)


AUTHORS = ["ann", "bob", "cy", "dee", "eve"]


@st.composite
def feeds(draw: st.DrawFn) -> tuple[list[Entry], dict[str, list[Entry]], set[str]]:
    """Pushed entries, pulled authors' posts, deleted ids: any mix.

    Some pulled posts are in the pushed entries too: pushed before their
    author crossed K.
    """
    posts = draw(
        st.lists(
            st.builds(
                Entry,
                st.text(alphabet="pqrs", min_size=1, max_size=3),
                st.sampled_from(AUTHORS),
                st.integers(min_value=0, max_value=20),
            ),
            unique_by=lambda item: item.post_id,
            max_size=40,
        )
    )
    pulled_authors = draw(st.sets(st.sampled_from(AUTHORS)))
    pulled = {
        author: [post for post in posts if post.author == author] for author in pulled_authors
    }
    pushed = [post for post in posts if post.author not in pulled_authors or draw(st.booleans())]
    deleted = draw(st.sets(st.sampled_from([post.post_id for post in posts] or ["none"])))
    return pushed, pulled, deleted


@given(
    feeds(),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=6),
)
def test_scrolling_to_the_end_shows_every_visible_post_once_newest_first(
    feed: tuple[list[Entry], dict[str, list[Entry]], set[str]],
    cap: int,
    window: int,
    limit: int,
) -> None:
    pushed, pulled, deleted = feed

    def shown(item: Entry) -> bool:
        return item.post_id not in deleted

    unique = {item.post_id: item for item in pushed + [p for ps in pulled.values() for p in ps]}
    truth = sorted(
        (item for item in unique.values() if shown(item)), key=lambda item: item.key, reverse=True
    )
    kept, _ = capped_timeline(pushed, cap)

    def below(entries: list[Entry] | tuple[Entry, ...], after: ChronoKey | None) -> list[Entry]:
        newest = sorted(entries, key=lambda item: item.key, reverse=True)
        return [item for item in newest if after is None or item.key < after]

    seen: list[Entry] = []
    after: ChronoKey | None = None
    from_archive = False
    for _ in range(200):
        if from_archive:
            timeline = Source("timeline", tuple(below(pushed, after)))
        else:
            in_redis = below(kept, after)
            timeline = timeline_source(
                in_redis[:window],
                timeline_size=len(kept),
                cap=cap,
                read_whole=len(in_redis) <= window,
            )
        sources = [timeline] + [
            Source(author, tuple(below(posts, after)[:window]), len(below(posts, after)) > window)
            for author, posts in pulled.items()
        ]
        page = merge_page(sources, after=after, limit=limit, shown=shown)
        assert len(page.entries) <= limit
        seen.extend(page.entries)
        if page.next_after is None:
            break
        if "timeline" in page.read_further and not from_archive and not timeline.entries:
            from_archive = True
        after = page.next_after
    else:
        pytest.fail("scrolling never reached the end")
    assert seen == truth
