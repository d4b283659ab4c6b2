"""The pure parts of a home-feed page: who is merged at read, what is shown,
the archive's query."""

from __future__ import annotations

from gateway.feed.archive import archive_entries, archive_sql
from gateway.feed.pages import PULL_GRACE_MS, pulled_followees, shown_rule
from projections.feed.read import ReaderGraph, post_view
from streams.feed.timeline import Entry


def _graph(**kw: object) -> ReaderGraph:
    base: dict[str, object] = {
        "following": frozenset({"a", "b", "c"}),
        "blocking": frozenset(),
        "blocked_by": frozenset(),
        "timeline_size": 0,
        "timeline": (),
    }
    return ReaderGraph(**{**base, **kw})  # type: ignore[arg-type]


def test_pulled_authors_and_those_pushed_less_than_a_minute_ago_are_merged() -> None:
    now = 10 * PULL_GRACE_MS
    deliveries = {
        "pull": ("pull", 0),
        "old-push": ("push", now - PULL_GRACE_MS),
        "new-push": ("push", now - PULL_GRACE_MS + 1),
    }
    assert pulled_followees(["old-push", "pull", "new-push", "gone"], deliveries, now) == [
        "new-push",
        "pull",
    ]


def test_shown_needs_a_body_not_deleted_a_followee_and_no_block() -> None:
    heads = {
        "p1": ("a", False),
        "p2": ("a", True),
        "p4": ("x", False),
        "p5": ("b", False),
        "p6": ("c", False),
        "p7": ("me", False),
    }
    shown = shown_rule("me", _graph(blocking=frozenset({"b"}), blocked_by=frozenset({"c"})), heads)
    verdicts = {p: shown(Entry(p, "", 1)) for p in ("p1", "p2", "p3", "p4", "p5", "p6", "p7")}
    assert verdicts == {
        "p1": True,
        "p2": False,  # deleted
        "p3": False,  # no body
        "p4": False,  # not followed
        "p5": False,  # the reader blocks the author
        "p6": False,  # the author blocks the reader
        "p7": False,  # one's own
    }


def test_the_archive_query_escapes_the_reader_and_anchors_strictly_below() -> None:
    sql = archive_sql("o'brien\\", (1_000, "P9"), 2_000, 64)
    assert "reader = 'o\\'brien\\\\'" in sql
    assert "published_at_ms < 1000 OR (published_at_ms = 1000 AND post_id < 'P9')" in sql
    assert "published_at_ms <= 2000" in sql and sql.endswith("LIMIT 64")


def test_archive_rows_become_entries_with_quoted_integers() -> None:
    rows = [{"post_id": "p", "author": "a", "published_at_ms": "12"}]
    assert archive_entries(rows) == (Entry("p", "a", 12),)


def test_a_post_view_hides_a_deleted_or_bodiless_post() -> None:
    assert post_view("p", {}, {}) is None
    assert post_view("p", {"author": "a", "deleted": "1"}, {}) is None
    view = post_view(
        "p",
        {"author": "a", "published_at_ms": "5", "text": "hi", "links": '["https://x"]',
         "media": "[]", "version": "2"},
        {"likes": "3"},
    )  # fmt: skip
    assert view == {
        "post_id": "p", "author": "a", "published_at_ms": 5, "text": "hi",
        "links": ["https://x"], "media": [], "version": 2, "likes": 3, "shares": 0,
        "comments": 0,
    }  # fmt: skip
