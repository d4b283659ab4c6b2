"""The member stage's state on its changelog: the parts `touched` names after
each record, kept as a compacted topic keeps them, restore states equal to
the live ones that decide exactly as they would; a change writes only the
parts it touched."""

from __future__ import annotations

import random

import pytest

from schemas.envelope import Record
from schemas.feed import (
    Block,
    CommentOnPost,
    CreateMember,
    DeletePost,
    EditPost,
    Follow,
    LikePost,
    Unblock,
    Unfollow,
)
from streams.facts import Fact
from streams.feed.fanout_policy import FanoutPolicy, follower_bucket
from streams.feed.member_decide import decide, new_state
from streams.feed.member_log import MemberLog
from streams.feed.member_state import MemberRules, MemberState
from tests.unit.streams.feed.member_driver import Driver

LOG = MemberLog()
# Small enough that a session crosses K both ways and forgets posts.
RULES = MemberRules(
    policy=FanoutPolicy(push_limit=2, buckets=3, backfill_posts=2),
    timeline_cap=4,
    post_max_chars=20,
)
MEMBERS = ("ann", "bob", "cat", "dan", "eve")


def _random_session(seed: int, steps: int = 150) -> Driver:
    """Members driven by a random mix of every command, hops sometimes held
    back (a race between partitions) and let through later."""
    rng = random.Random(seed)
    d = Driver(RULES)
    d.members(*MEMBERS[:3])
    posts: dict[str, list[str]] = {m: [] for m in MEMBERS}
    for step in range(steps):
        roll = rng.random()
        member, other = rng.choice(MEMBERS), rng.choice(MEMBERS)
        if rng.random() < 0.2:
            d.hold = not d.hold
            if not d.hold:
                d.flush()
        if roll < 0.05:
            d.send(CreateMember, member=member, handle=member)
        elif roll < 0.3:
            d.send(Follow, member=member, other=other)
        elif roll < 0.4:
            d.send(Unfollow, member=member, other=other)
        elif roll < 0.48:
            d.send(Block, member=member, other=other)
        elif roll < 0.56:
            d.send(Unblock, member=member, other=other)
        elif roll < 0.75:
            post_id = f"{member}-p{step}"
            posts[member].append(post_id)
            d.post(member, post_id, text="x" * rng.choice([5, 25]))
        elif roll < 0.83 and posts[member]:
            post_id = rng.choice(posts[member])
            actor = rng.choice([member, other])
            d.send(EditPost, member=member, post_id=post_id, actor=actor, text="edited")
        elif roll < 0.9 and posts[member]:
            post_id = rng.choice(posts[member])
            actor = rng.choice([member, member, other])
            d.send(DeletePost, member=member, post_id=post_id, actor=actor)
        elif roll < 0.95 and posts[other]:
            d.send(LikePost, member=member, post_id=posts[other][-1], author=other)
        elif posts[other]:
            comment = {"post_id": posts[other][-1], "author": other, "comment_id": f"c{step}"}
            d.send(CommentOnPost, member=member, **comment, text="nice")
    d.hold = False
    d.flush()
    return d


def _fold(
    changelogs: dict[str, dict[str, bytes]], state: MemberState, record: Record, facts: list[Fact]
) -> None:
    changelog = changelogs.setdefault(state.member, {})
    for sub_key in LOG.touched(state, record, facts):
        value = LOG.entry(state, sub_key)
        if value is None:
            changelog.pop(sub_key, None)
        else:
            changelog[sub_key] = value


@pytest.mark.parametrize("seed", range(40))
def test_the_changelog_restores_states_that_decide_the_same(seed: int) -> None:
    d = _random_session(seed)
    live: dict[str, MemberState] = {}
    changelogs: dict[str, dict[str, bytes]] = {}
    for i, record in enumerate(d.records):
        key = record.envelope.key
        state = live.setdefault(key, new_state(key))
        _fold(changelogs, state, record, decide(state, record, RULES))
        if i % 5 == 0 or i == len(d.records) - 1:
            for member, changelog in changelogs.items():
                assert LOG.restore(member, changelog) == live[member], f"after record {i}"
                assert LOG.parts(live[member]) == changelog, f"after record {i}"
    assert live == d.states
    # The restored states go on deciding exactly as the live ones.
    restored = {m: LOG.restore(m, changelog) for m, changelog in changelogs.items()}
    for record in _random_session(seed + 1000, steps=80).records:
        key = record.envelope.key
        again = restored.setdefault(key, new_state(key))
        assert decide(again, record, RULES) == decide(
            live.setdefault(key, new_state(key)), record, RULES
        )
    assert restored == live


def test_the_sessions_write_every_kind_of_part() -> None:
    seen: set[str] = set()
    for seed in range(10):
        d = _random_session(seed)
        states: dict[str, MemberState] = {}
        for record in d.records:
            key = record.envelope.key
            state = states.setdefault(key, new_state(key))
            facts = decide(state, record, RULES)
            written = [n for n in LOG.touched(state, record, facts) if LOG.entry(state, n)]
            seen |= {name.partition(":")[0] for name in written}
    assert seen == {
        "profile", "delivery", "followee", "pending", "blocking", "blocked-by", "bucket", "post",
    }  # fmt: skip


def test_a_follow_writes_its_edge_and_its_bucket_not_the_whole_graph() -> None:
    d = Driver(RULES)
    d.members("ann", "bob", "cat")
    d.send(Follow, member="cat", other="ann")
    d.hold = True
    d.send(Follow, member="bob", other="ann")
    (request,) = d.in_flight
    state_of_ann = d.state("ann")
    facts = d.flush()[:2]  # the hop on ann's partition: FollowerAdded, FollowAnswered
    touched = LOG.touched(state_of_ann, request, facts)
    assert touched == [f"bucket:{follower_bucket('bob', RULES.policy)}"]


def test_a_post_the_cap_forgets_is_tombstoned() -> None:
    d = Driver(RULES)
    d.members("ann")
    for i in range(RULES.timeline_cap):
        d.post("ann", f"p{i}")
    d.post("ann", "p-new")
    state = d.state("ann")
    touched = LOG.touched(state, d.records[-1], d.log[-2:])
    assert touched == ["post:p-new", "post:p0"]
    assert LOG.entry(state, "post:p0") is None


def test_an_empty_changelog_is_a_new_member() -> None:
    assert LOG.restore("ann", {}) == new_state("ann")


def test_an_unknown_part_is_refused() -> None:
    with pytest.raises(ValueError, match="no part"):
        LOG.restore("ann", {"nonsense": b"1"})
    with pytest.raises(ValueError, match="no part"):
        LOG.entry(new_state("ann"), "nonsense:1")
