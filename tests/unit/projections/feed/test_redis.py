"""The feed's writes, pure: what each record writes, that the live streams are
written only when announcing, and that every key but them is read model."""

from __future__ import annotations

from projections.feed import PROJECTION as FEED
from projections.feed import keys
from projections.feed.redis import DELETED_RANK, redis_writes
from projections.redis_sink import keys_written
from schemas.envelope import Record
from schemas.feed import records as fd
from tests.unit.projections.feed.records import P1_MS, story


def _first(model: type[Record]) -> Record:
    return next(r for _, _, r in story().steps if type(r) is model)


def test_every_key_written_without_announcing_is_read_model_and_live_keys_are_not() -> None:
    written = {
        key for _, _, r in story().steps for w in redis_writes(r, announce=False)
        for key in (w[4:] if w[0] == "zadd_capped_many" else [w[1]])
    }  # fmt: skip
    assert all(key.startswith(FEED.redis_keys) for key in written)
    assert {key.split(":")[1] for key in written} == {
        "member", "following", "blocking", "blocked-by", "timeline", "author-posts", "post",
        "counts", "comments", "affinity", "rejections",
    }  # fmt: skip
    assert not keys.live("bob").startswith(FEED.redis_keys)
    assert not keys.live_author("dan").startswith(FEED.redis_keys)


def test_a_rebuild_writes_no_live_stream() -> None:
    ops = {w[0] for _, _, r in story().steps for w in redis_writes(r, announce=False)}
    assert not ops & {"xadd_capped", "xadd_capped_many"}


def test_each_reader_of_pushed_entries_gets_a_timeline_entry_and_a_live_one() -> None:
    """One write for all the readers' timelines, one for their live streams."""
    record = fd.TimelineEntriesAdded(
        envelope=_first(fd.TimelineEntriesAdded).envelope, author="ann", bucket=0,
        post_id="p9", published_at_ms=P1_MS, readers=["bob", "cat"],
    )  # fmt: skip
    cap, live_cap = str(keys.TIMELINE_CAP), str(keys.LIVE_KEPT)
    assert redis_writes(record) == [
        ["zadd_capped_many", str(P1_MS), "p9", cap, "feed:timeline:bob", "feed:timeline:cat"],
        ["xadd_capped_many", live_cap, "3",
         "post_id", "p9", "author", "ann", "published_at_ms", str(P1_MS),
         "feed:live:bob", "feed:live:cat"],
    ]  # fmt: skip
    assert [keys_written(w) for w in redis_writes(record)] == [2, 2]
    assert redis_writes(record.model_copy(update={"readers": []})) == []


def test_a_backfilled_bucket_puts_each_entry_on_every_readers_timeline() -> None:
    record = fd.BucketBackfilled(
        envelope=_first(fd.TimelineEntriesAdded).envelope, author="ann", bucket=0,
        entries=[fd.PostRef(post_id="p1", published_at_ms=5),
                 fd.PostRef(post_id="p2", published_at_ms=7)],
        readers=["bob", "cat"],
    )  # fmt: skip
    cap = str(keys.TIMELINE_CAP)
    assert redis_writes(record) == [
        ["zadd_capped_many", "5", "p1", cap, "feed:timeline:bob", "feed:timeline:cat"],
        ["zadd_capped_many", "7", "p2", cap, "feed:timeline:bob", "feed:timeline:cat"],
    ]


def test_only_a_pulled_authors_post_goes_on_the_authors_live_stream() -> None:
    posts = [r for _, _, r in story().steps if type(r) is fd.PostPublished]
    live = {r.post_id: [w[1] for w in redis_writes(r) if w[0] == "xadd_capped"] for r in posts}
    assert live == {"p1": [], "p2": [], "p3": ["feed:live-author:dan"]}


def test_an_edit_is_ranked_by_its_version_and_a_deletion_above_any() -> None:
    (edit,) = redis_writes(_first(fd.PostEdited))
    assert edit[:3] == ["hset_ranked", "feed:post:p1", "2"]
    (deleted,) = redis_writes(_first(fd.PostDeleted))
    assert deleted[:3] == ["hset_ranked", "feed:post:p2", str(DELETED_RANK)]
    fields = dict(zip(deleted[3::2], deleted[4::2], strict=True))
    assert (fields["deleted"], fields["text"], fields["links"], fields["media"]) == (
        "1",
        "",
        "[]",
        "[]",
    )


def test_an_unlike_takes_back_the_like_and_the_affinity() -> None:
    (count, affinity) = redis_writes(_first(fd.PostUnliked))
    assert count == ["hincrby", "feed:counts:p1", "likes", "-1"]
    assert affinity == ["hincrby", "feed:affinity:cat", "ann", "-1"]


def test_both_kinds_of_rejection_go_on_the_members_sorted_set() -> None:
    rejections = [
        w for _, _, r in story().steps if type(r) in (fd.CommandRejected, fd.ReactionRejected)
        for w in redis_writes(r)
    ]  # fmt: skip
    assert [(w[0], w[1]) for w in rejections] == [("zadd_capped", "feed:rejections:bob")] * 2
    assert '"post_id":"p1"' in rejections[0][3] and "post_id" not in rejections[1][3]


def test_records_without_a_read_model_write_nothing() -> None:
    quiet = (fd.PublishPost, fd.TimelineEntriesRemoved, fd.TimelinePurged)
    assert all(redis_writes(r) == [] for _, _, r in story().steps if type(r) in quiet)
