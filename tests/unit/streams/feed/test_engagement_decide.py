"""The engagement stage's pure core: a post opened by its author's partition
takes reactions, counted; likes are per member (already_liked, not_liked);
a post never opened, closed, or asked of under another author is
post_not_found."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.feed import (
    CommentAdded,
    FanOutPost,
    PostClosed,
    PostLiked,
    PostOpened,
    PostShared,
    PostUnliked,
    ReactionRejected,
    ReactionRequested,
)
from streams.facts import Fact
from streams.feed.engagement_decide import PostEngagement, decide, new_state
from streams.feed.rejections import Rejection
from tests.unit.streams.feed.feed_records import sealed

POST = {"post_id": "p1", "author": "alice"}


def _opened() -> PostEngagement:
    state = new_state("p1")
    assert decide(state, sealed(PostOpened, **POST, published_at_ms=7)) == []
    return state


def _react(state: PostEngagement, member: str, reaction: str, **more: Any) -> list[Fact]:
    payload = {**POST, "member": member, "command_id": f"c-{member}-{reaction}", **more}
    return decide(state, sealed(ReactionRequested, reaction=reaction, **payload))


def _rejected(facts: list[Fact]) -> str:
    ((kind, payload),) = facts
    assert kind is ReactionRejected
    return str(payload["reason"])


def test_reactions_to_an_open_post_are_decided_and_counted() -> None:
    state = _opened()
    who = {**POST, "member": "bob"}
    assert _react(state, "bob", "like") == [(PostLiked, who)]
    assert _react(state, "carol", "like") == [(PostLiked, {**POST, "member": "carol"})]
    assert _react(state, "bob", "share") == [(PostShared, who)]
    assert _react(state, "bob", "share") == [(PostShared, who)]  # a share may be repeated
    assert _react(state, "bob", "comment", comment_id="k1", text="nice") == [
        (CommentAdded, {**who, "comment_id": "k1", "text": "nice"})
    ]
    assert _react(state, "bob", "unlike") == [(PostUnliked, who)]
    assert (state.likes, state.shares, state.comments) == (1, 2, 1)
    assert state.likers == {"carol"}


def test_a_second_like_is_already_liked_and_an_unlike_without_one_is_not_liked() -> None:
    state = _opened()
    _react(state, "bob", "like")
    facts = _react(state, "bob", "like")
    assert facts == [(ReactionRejected, {
        "post_id": "p1", "member": "bob", "command_id": "c-bob-like", "command": "LikePost",
        "reason": Rejection.ALREADY_LIKED.value,
    })]  # fmt: skip
    assert _rejected(_react(state, "carol", "unlike")) == "not_liked"
    ((_, payload),) = _react(state, "carol", "unlike")
    assert payload["command"] == "UnlikePost"
    assert state.likes == 1


def test_a_post_never_opened_or_closed_is_post_not_found() -> None:
    state = new_state("p1")
    for reaction in ("like", "unlike", "share", "comment"):
        assert _rejected(_react(state, "bob", reaction)) == "post_not_found"
    state = _opened()
    _react(state, "bob", "like")
    assert decide(state, sealed(PostClosed, **POST)) == []
    for reaction in ("like", "unlike", "share", "comment"):
        assert _rejected(_react(state, "carol", reaction)) == "post_not_found"
    assert (state.likes, state.shares, state.comments) == (1, 0, 0)


def test_a_reaction_ahead_of_the_post_s_opening_is_post_not_found_and_does_not_count() -> None:
    state = new_state("p1")
    assert _rejected(_react(state, "bob", "like")) == "post_not_found"
    decide(state, sealed(PostOpened, **POST, published_at_ms=7))
    assert _react(state, "bob", "like") == [(PostLiked, {**POST, "member": "bob"})]


def test_a_closed_post_is_not_opened_again() -> None:
    state = _opened()
    decide(state, sealed(PostClosed, **POST))
    decide(state, sealed(PostOpened, **POST, published_at_ms=9))
    assert _rejected(_react(state, "bob", "share")) == "post_not_found"


def test_a_reaction_naming_another_author_is_post_not_found() -> None:
    state = _opened()
    wrong = {"post_id": "p1", "author": "mallory", "member": "bob", "command_id": "c1"}
    facts = decide(state, sealed(ReactionRequested, reaction="like", **wrong))
    assert _rejected(facts) == "post_not_found"


def test_a_record_the_stage_does_not_take_is_refused() -> None:
    post = sealed(FanOutPost, author="alice", bucket=0, post_id="p1", published_at_ms=1)
    with pytest.raises(TypeError, match="FanOutPost"):
        decide(new_state("p1"), post)
