"""`onelog audit post`: a post's life told from its records."""

from __future__ import annotations

import random
from typing import Any

from onelog.feed.post_life import life_text, post_life
from onelog.logged import Logged
from schemas.envelope import Record
from schemas.feed import records as r
from streams.sealing import build_record

P = "01JPOST0000000000000000000"
T0 = 1_700_000_000_000  # ms


class Log:
    """Records as the stages write them: each fact takes its cause's time."""

    def __init__(self) -> None:
        self.items: list[Logged] = []
        self._n = 0

    def add(
        self, model: type[Record], fields: dict[str, Any], at_ms: int, cause: Record | None = None
    ) -> Record:
        self._n += 1
        record = build_record(
            model,
            fields,
            event_id=f"01J{self._n:023d}",
            key="k",
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=at_ms * 1000,
        )
        if cause is not None:
            envelope = record.envelope.model_copy(update={"causation_id": cause.envelope.event_id})
            record = record.model_copy(update={"envelope": envelope})
        topic = "feed." + ("facts" if model in r.FACTS else "other")
        self.items.append(Logged(topic, 0, self._n, record))
        return record


def _post(log: Log, author: str, delivery: str = "push", at_ms: int = T0) -> Record:
    asked = log.add(r.PublishPost, {"member": author, "post_id": P, "text": "hi"}, at_ms)
    return log.add(
        r.PostPublished,
        {"member": author, "post_id": P, "published_at_ms": at_ms, "text": "hi", "links": [],
         "media": [], "delivery": delivery},
        at_ms,
        asked,
    )  # fmt: skip


def test_a_pushed_post_edited_liked_and_deleted() -> None:
    log = Log()
    log.add(r.FollowerAdded, {"author": "alice", "bucket": 3, "follower": "bob"}, T0 - 5)
    published = _post(log, "alice")
    for bucket, readers in ((3, ["bob", "carol"]), (9, ["dave"])):
        asked = log.add(
            r.FanOutPost,
            {"author": "alice", "bucket": bucket, "post_id": P, "published_at_ms": T0},
            T0,
            published,
        )
        log.add(
            r.TimelineEntriesAdded,
            {"author": "alice", "bucket": bucket, "post_id": P, "published_at_ms": T0,
             "readers": readers},
            T0,
            asked,
        )  # fmt: skip
    log.add(r.PostEdited, {"member": "alice", "post_id": P, "version": 2, "edited_at_ms": T0 + 10,
                           "text": "hello", "links": [], "media": []}, T0 + 10)  # fmt: skip
    reactions_asked: list[tuple[type[Record], str]] = [
        (r.PostLiked, "bob"),
        (r.PostLiked, "carol"),
        (r.PostUnliked, "bob"),
        (r.CommentAdded, "dave"),
    ]
    for n, (model, who) in enumerate(reactions_asked):
        fields = {"post_id": P, "author": "alice", "member": who}
        if model is r.CommentAdded:
            fields |= {"comment_id": "c1", "text": "nice"}
        log.add(model, fields, T0 + 20 + n)
    log.add(r.ReactionRejected, {"post_id": P, "member": "erin", "command_id": "x",
                                 "command": "LikePost", "reason": "blocked"}, T0 + 30)  # fmt: skip
    entry = {"post_id": P, "published_at_ms": T0}
    log.add(
        r.TimelineBackfilled, {"member": "erin", "author": "alice", "entries": [entry]}, T0 + 40
    )
    deleted = log.add(r.PostDeleted, {"member": "alice", "post_id": P}, T0 + 50)
    log.add(r.TimelineEntriesRemoved, {"author": "alice", "bucket": 3, "post_id": P,
                                       "readers": ["bob", "carol"]}, T0 + 50, deleted)  # fmt: skip
    # Another post's records are not this one's.
    log.add(r.PostDeleted, {"member": "alice", "post_id": "other"}, T0 + 60)

    items = log.items[:]
    random.Random(1).shuffle(items)
    life = post_life(P, items)

    assert (life.author, life.delivery, life.pulled_followers) == ("alice", "push", None)
    assert life.published.startswith("2023-11-14T22:13:20.000")
    assert [e["version"] for e in life.edits] == [2]
    assert life.fanned_out == {3: 2, 9: 1} and life.timeline_entries == 3
    reactions = life.reactions
    counted = (reactions.likes, reactions.unlikes, reactions.shares, reactions.comments)
    assert counted == (2, 1, 0, 1)
    assert reactions.rejected == 1 and reactions.first < reactions.last
    assert len(life.backfills) == 1 and "erin" in life.backfills[0]
    assert life.deleted and life.removed == {3: 2}
    # In the order decided: the ask, then its fact, then the fan-out of it.
    types = [line.record_type for line in life.lines]
    assert types[:4] == ["PublishPost", "PostPublished", "FanOutPost", "FanOutPost"]
    assert types[4:6] == ["TimelineEntriesAdded"] * 2
    assert types[-2:] == ["PostDeleted", "TimelineEntriesRemoved"]
    assert "other" not in str([line.fields for line in life.lines])
    text = life_text(life)
    assert "3 timelines in 2 buckets" in text and "2 likes" in text and "version 2" in text


def test_a_pulled_post_counts_the_followers_of_its_time() -> None:
    log = Log()
    for n, follower in enumerate(["b", "c", "d", "e"]):
        log.add(r.FollowerAdded, {"author": "star", "bucket": n, "follower": follower}, T0 - 10 + n)
    log.add(r.FollowerRemoved, {"author": "star", "bucket": 0, "follower": "b"}, T0 - 1)
    log.add(r.FollowerAdded, {"author": "other", "bucket": 0, "follower": "z"}, T0 - 1)
    _post(log, "star", delivery="pull")
    # Who came after does not count.
    log.add(r.FollowerAdded, {"author": "star", "bucket": 5, "follower": "late"}, T0 + 1)

    life = post_life(P, log.items)

    assert life.delivery == "pull" and life.pulled_followers == 3
    assert life.fanned_out == {}
    assert "merged at read by the author's 3 followers" in life_text(life)


def test_a_refused_edit_is_told_though_it_names_only_the_command() -> None:
    log = Log()
    _post(log, "alice")
    edit = log.add(r.EditPost, {"member": "alice", "post_id": P, "actor": "mallory",
                                "text": "mine now"}, T0 + 5)  # fmt: skip
    refused = {"command": "EditPost", "reason": "not_the_author"}
    log.add(
        r.CommandRejected,
        {"member": "alice", "command_id": edit.envelope.event_id, **refused},
        T0 + 5,
        edit,
    )
    log.add(r.CommandRejected, {"member": "alice", "command_id": "another",
                                "command": "Follow", "reason": "self"}, T0 + 6)  # fmt: skip

    life = post_life(P, log.items)

    assert life.rejected == ["EditPost: not_the_author"]
    assert life.edits == []


def test_a_post_nobody_published_has_no_life() -> None:
    log = Log()
    _post(log, "alice")
    assert post_life("unknown", log.items).lines == []


def test_a_backfill_with_its_follows_older_time_comes_after_the_post_and_many_are_counted() -> None:
    log = Log()
    _post(log, "alice")
    entry = {"post_id": P, "published_at_ms": T0}
    for n in range(12):
        # The follow was asked before the post; its answer carried the post.
        fields = {"member": f"reader{n}", "author": "alice", "entries": [entry]}
        log.add(r.TimelineBackfilled, fields, T0 - 100 + n)

    life = post_life(P, log.items)

    types = [line.record_type for line in life.lines]
    assert types[:2] == ["PublishPost", "PostPublished"]
    assert all(line.recorded_at < T0 * 1000 for line in life.lines[2:])
    assert all(line.time >= life.lines[1].time for line in life.lines[2:])
    assert len(life.backfills) == 12
    text = life_text(life)
    assert "12 backfills" in text and text.count("reader") == 2 + 12  # head: first, last
