"""The member stage's rules, driven through both hops as the partitions would
(member_driver.py): the graph, blocks, delivery across K, posts, and replay."""

from __future__ import annotations

from schemas.feed import (
    AuthorDeliveryChanged,
    BackfillBucket,
    Block,
    CommentOnPost,
    DeletePost,
    EditPost,
    FanOutDelete,
    FanOutPost,
    Follow,
    FollowAnswered,
    Followed,
    FollowerAdded,
    FollowerRemoved,
    LikePost,
    PostEdited,
    PostPublished,
    ReactionRequested,
    TimelineBackfilled,
    TimelinePurged,
    Unblock,
    Unfollow,
    Unfollowed,
)
from streams.feed.fanout_policy import FanoutPolicy, follower_bucket
from streams.feed.member_decide import decide, new_state
from streams.feed.member_state import MemberRules
from streams.feed.rejections import Rejection
from tests.unit.streams.feed.member_driver import Driver, names, of, reasons


def test_a_follow_is_counted_by_the_followee_and_backfills_its_newest_posts() -> None:
    d = Driver(MemberRules(policy=FanoutPolicy(backfill_posts=2)))
    d.members("alice", "bob")
    for post_id in ("p1", "p2", "p3"):
        d.post("alice", post_id)
    facts = d.send(Follow, member="bob", other="alice")
    assert names(facts) == [
        "FollowRequested",
        "FollowerAdded",
        "FollowAnswered",
        "Followed",
        "TimelineBackfilled",
    ]
    bucket = follower_bucket("bob", d.rules.policy)
    assert of(FollowerAdded, facts) == [{"author": "alice", "bucket": bucket, "follower": "bob"}]
    assert of(Followed, facts) == [{"member": "bob", "other": "alice"}]
    (backfilled,) = of(TimelineBackfilled, facts)
    assert backfilled["member"] == "bob" and backfilled["author"] == "alice"
    assert [e["post_id"] for e in backfilled["entries"]] == ["p3", "p2"]  # newest, at most 2
    assert d.state("bob").followees == {"alice"} and not d.state("bob").pending
    assert d.state("alice").followers == {bucket: 1}


def test_a_second_follow_is_already_following_even_while_the_first_is_unanswered() -> None:
    d = Driver()
    d.members("alice", "bob")
    d.hold = True
    d.send(Follow, member="bob", other="alice")
    assert reasons(d.send(Follow, member="bob", other="alice")) == ["already_following"]
    d.flush()
    assert reasons(d.send(Follow, member="bob", other="alice")) == ["already_following"]
    assert d.state("alice").follower_count == 1


def test_a_follow_is_refused_when_either_has_blocked_the_other() -> None:
    d = Driver()
    d.members("alice", "bob", "carol")
    d.send(Block, member="alice", other="bob")
    assert reasons(d.send(Follow, member="alice", other="bob")) == ["blocked"]
    assert reasons(d.send(Follow, member="bob", other="alice")) == ["blocked"]  # bob was told
    # carol's block has not reached bob's partition yet: carol's decides it.
    d.hold = True
    d.send(Block, member="carol", other="bob")
    d.send(Follow, member="bob", other="carol")
    facts = d.flush()
    assert of(FollowAnswered, facts)[0]["reason"] == "blocked"
    assert reasons(facts) == ["blocked"]
    assert d.state("carol").follower_count == 0 and not d.state("bob").followees


def test_unknown_members_and_self_are_refused() -> None:
    d = Driver()
    d.members("alice")
    assert reasons(d.send(Follow, member="nobody", other="alice")) == ["unknown_member"]
    assert reasons(d.send(Follow, member="alice", other="nobody")) == ["unknown_member"]
    assert not d.state("alice").pending and not d.state("nobody").followers
    assert reasons(d.send(Follow, member="alice", other="alice")) == ["self"]
    assert reasons(d.send(Block, member="alice", other="alice")) == ["self"]


def test_unfollow_uncounts_and_purges_the_followee_s_posts_from_the_timeline() -> None:
    d = Driver()
    d.members("alice", "bob")
    d.post("alice", "p1")
    d.post("alice", "p2")
    d.send(DeletePost, member="alice", post_id="p1", actor="alice")
    d.send(Follow, member="bob", other="alice")
    facts = d.send(Unfollow, member="bob", other="alice")
    assert of(Unfollowed, facts) == [{"member": "bob", "other": "alice", "cause": "unfollow"}]
    assert len(of(FollowerRemoved, facts)) == 1
    assert of(TimelinePurged, facts) == [{"member": "bob", "author": "alice", "post_ids": ["p2"]}]
    assert d.state("alice").follower_count == 0 and not d.state("bob").followees
    assert reasons(d.send(Unfollow, member="bob", other="alice")) == ["not_following"]


def test_a_follow_unfollowed_before_its_answer_is_taken_back() -> None:
    d = Driver()
    d.members("alice", "bob")
    d.hold = True
    d.send(Follow, member="bob", other="alice")
    assert names(d.send(Unfollow, member="bob", other="alice")) == ["Unfollowed"]
    facts = d.flush()
    assert "Followed" not in names(facts)
    assert names(facts).count("FollowerAdded") == names(facts).count("FollowerRemoved") == 1
    assert d.state("alice").follower_count == 0 and not d.state("bob").followees


def test_a_block_removes_the_follow_edges_both_ways_and_unblock_restores_none() -> None:
    d = Driver()
    d.members("alice", "bob")
    d.post("alice", "a1")
    d.post("bob", "b1")
    d.send(Follow, member="alice", other="bob")
    d.send(Follow, member="bob", other="alice")
    facts = d.send(Block, member="alice", other="bob")
    assert sorted((p["member"], p["other"], p["cause"]) for p in of(Unfollowed, facts)) == [
        ("alice", "bob", "block"),
        ("bob", "alice", "block"),
    ]
    purged = sorted(
        (p["member"], p["author"], tuple(p["post_ids"])) for p in of(TimelinePurged, facts)
    )
    assert purged == [("alice", "bob", ("b1",)), ("bob", "alice", ("a1",))]
    alice, bob = d.state("alice"), d.state("bob")
    assert not alice.followees and not bob.followees
    assert alice.follower_count == bob.follower_count == 0
    assert alice.blocking == {"bob"} and bob.blocked_by == {"alice"}
    assert reasons(d.send(Block, member="alice", other="bob")) == ["already_blocked"]
    assert names(d.send(Unblock, member="alice", other="bob")) == ["Unblocked", "UnblockNoticed"]
    assert not alice.blocking and not bob.blocked_by and not alice.followees
    assert reasons(d.send(Unblock, member="alice", other="bob")) == ["not_blocked"]


def test_crossing_k_flips_delivery_in_the_step_that_moves_the_count() -> None:
    d = Driver(MemberRules(policy=FanoutPolicy(push_limit=2)))
    d.members("star", "f1", "f2", "f3")
    d.send(Follow, member="f1", other="star")
    d.send(Follow, member="f2", other="star")
    d.post("star", "pushed")
    facts = d.send(Follow, member="f3", other="star")
    assert names(facts)[:3] == ["FollowRequested", "FollowerAdded", "AuthorDeliveryChanged"]
    (pulled,) = of(AuthorDeliveryChanged, facts)
    assert pulled["delivery"] == "pull" and pulled["buckets"] == []
    assert of(FollowAnswered, facts)[0]["delivery"] == "pull"
    assert not of(TimelineBackfilled, facts)  # a pulled followee is merged at read
    posted = d.post("star", "while-pulled")
    assert of(PostPublished, posted)[0]["delivery"] == "pull"
    assert not of(FanOutPost, posted)
    back = d.send(Unfollow, member="f3", other="star")
    (pushed,) = of(AuthorDeliveryChanged, back)
    buckets = d.state("star").buckets()
    assert pushed["delivery"] == "push" and pushed["buckets"] == buckets
    refills = of(BackfillBucket, back)
    assert [b["bucket"] for b in refills] == buckets
    assert all([e["post_id"] for e in b["entries"]] == ["while-pulled"] for b in refills)
    assert of(PostPublished, d.post("star", "after"))[0]["delivery"] == "push"


def test_a_pushed_post_fans_out_once_per_non_empty_bucket() -> None:
    d = Driver()
    policy = d.rules.policy
    readers = [f"r{i}" for i in range(40)]
    d.members("alice", *readers)
    assert d.post("alice", "lonely")[-1][0] is not FanOutPost  # no followers, no fan-out
    for reader in readers:
        d.send(Follow, member=reader, other="alice")
    facts = d.post("alice", "p1")
    expected = sorted({follower_bucket(r, policy) for r in readers})
    assert len(expected) > 1
    assert [p["bucket"] for p in of(FanOutPost, facts)] == expected
    assert all(p["post_id"] == "p1" and p["author"] == "alice" for p in of(FanOutPost, facts))
    assert of(PostPublished, facts)[0]["delivery"] == "push"


def test_posts_are_edited_and_deleted_by_their_author_only() -> None:
    d = Driver(MemberRules(post_max_chars=10))
    d.members("alice", "bob")
    d.send(Follow, member="bob", other="alice")
    assert reasons(d.post("alice", "p1", text="x" * 11)) == ["too_long"]
    published = d.post("alice", "p1", text="hi")
    assert d.post("alice", "p1", text="hi") == []  # a retried request is the same post
    at = of(PostPublished, published)[0]["published_at_ms"]
    assert at == d.records[-2].envelope.recorded_at // 1000
    edit = {"member": "alice", "post_id": "p1", "text": "hey"}
    assert reasons(d.send(EditPost, **edit, actor="bob")) == ["not_the_author"]
    assert reasons(d.send(EditPost, **{**edit, "text": "y" * 11}, actor="alice")) == ["too_long"]
    assert [p["version"] for p in of(PostEdited, d.send(EditPost, **edit, actor="alice"))] == [2]
    assert [p["version"] for p in of(PostEdited, d.send(EditPost, **edit, actor="alice"))] == [3]
    assert reasons(d.send(DeletePost, member="alice", post_id="p1", actor="bob")) == [
        "not_the_author"
    ]
    deleted = d.send(DeletePost, member="alice", post_id="p1", actor="alice")
    assert names(deleted) == ["PostDeleted", "PostClosed", "FanOutDelete"]
    assert of(FanOutDelete, deleted)[0]["bucket"] == follower_bucket("bob", d.rules.policy)
    assert reasons(d.send(DeletePost, member="alice", post_id="p1", actor="alice")) == [
        "post_not_found"
    ]
    assert reasons(d.send(EditPost, **edit, actor="alice")) == ["post_not_found"]
    assert reasons(d.send(EditPost, **{**edit, "post_id": "p9"}, actor="alice")) == [
        "post_not_found"
    ]


def test_an_author_keeps_only_its_newest_posts() -> None:
    d = Driver(MemberRules(timeline_cap=3))
    d.members("alice")
    for i in range(5):
        d.post("alice", f"p{i}")
    assert sorted(d.state("alice").posts) == ["p2", "p3", "p4"]


def test_reactions_are_forwarded_unless_blocked() -> None:
    d = Driver()
    d.members("alice", "bob")
    liked = d.send(LikePost, member="bob", post_id="p1", author="alice")
    assert of(ReactionRequested, liked)[0]["reaction"] == "like"
    comment = {"member": "bob", "post_id": "p1", "author": "alice", "comment_id": "c1"}
    said = of(ReactionRequested, d.send(CommentOnPost, **comment, text="nice"))
    assert said[0]["comment_id"] == "c1" and said[0]["text"] == "nice"
    d.send(Block, member="alice", other="bob")
    assert reasons(d.send(LikePost, member="bob", post_id="p1", author="alice")) == ["blocked"]


def _scenario(d: Driver) -> None:
    d.members("alice", "bob", "carol")
    d.post("alice", "p1")
    d.send(Follow, member="bob", other="alice")
    d.send(Follow, member="carol", other="alice")
    d.send(Follow, member="bob", other="alice")
    d.send(Block, member="carol", other="bob")
    d.send(Follow, member="bob", other="carol")
    d.send(EditPost, member="alice", post_id="p1", actor="bob", text="x")
    d.send(EditPost, member="alice", post_id="p1", actor="alice", text="x")
    d.send(DeletePost, member="alice", post_id="p2", actor="alice")
    d.post("alice", "p2", text="x" * 501)
    d.send(Unfollow, member="bob", other="carol")
    d.send(Unblock, member="carol", other="alice")
    d.send(Unblock, member="carol", other="bob")
    d.send(Unblock, member="carol", other="bob")
    d.send(Block, member="carol", other="bob")
    d.send(Block, member="carol", other="bob")
    d.send(Follow, member="nobody", other="alice")
    d.send(Follow, member="alice", other="alice")
    d.send(Unfollow, member="carol", other="alice")


def test_every_reason_the_member_stage_decides_is_met() -> None:
    d = Driver()
    _scenario(d)
    # already_liked and not_liked are the engagement stage's, where the likers are.
    assert set(reasons(d.log)) == {r.value for r in Rejection} - {"already_liked", "not_liked"}


def test_replaying_the_same_records_gives_the_same_facts() -> None:
    first, second = Driver(), Driver()
    _scenario(first)
    _scenario(second)
    assert first.log == second.log
    # Every input again, into new states, in the order the partitions decided them.
    states = {member: new_state(member) for member in first.states}
    replayed = [
        fact
        for record in first.records
        for fact in decide(states[record.envelope.key], record, first.rules)
    ]
    assert replayed == first.log
    assert states == first.states
