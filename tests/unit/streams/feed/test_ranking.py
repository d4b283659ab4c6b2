"""The ranked feed's score: examples, and monotony as Hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.feed.ranking import (
    DECAY_SCALE,
    Candidate,
    Engagement,
    RankingWeights,
    decay,
    page_after,
    rank,
    score,
)

WEIGHTS = RankingWeights()
HOUR = 60 * 60 * 1000
NOW = 1_000 * 24 * HOUR

AGES = st.integers(min_value=-HOUR, max_value=10 * 365 * 24 * HOUR)
COUNTS = st.integers(min_value=0, max_value=1_000_000)
ENGAGEMENTS = st.builds(Engagement, COUNTS, COUNTS, COUNTS)
SMALL = st.integers(min_value=0, max_value=100)
WEIGHT_SETS = st.builds(
    RankingWeights,
    half_life_ms=st.integers(min_value=1, max_value=7 * 24 * HOUR),
    base_engagement=st.integers(min_value=1, max_value=100),
    like=SMALL,
    comment=SMALL,
    share=SMALL,
    base_affinity=st.integers(min_value=1, max_value=100),
    affinity_per_interaction=SMALL,
    affinity_cap=SMALL,
)


def post(post_id: str, age_ms: int, likes: int = 0, author: str = "ann") -> Candidate:
    return Candidate(post_id, author, NOW - age_ms, Engagement(likes=likes))


def test_decay_is_whole_at_once_and_half_at_the_half_life() -> None:
    assert decay(0, WEIGHTS) == DECAY_SCALE
    assert decay(WEIGHTS.half_life_ms, WEIGHTS) == DECAY_SCALE // 2
    assert decay(-HOUR, WEIGHTS) == DECAY_SCALE
    assert decay(100 * 365 * 24 * HOUR, WEIGHTS) > 0


def test_the_score_multiplies_engagement_affinity_and_decay() -> None:
    candidate = Candidate("p", "ann", NOW, Engagement(likes=2, comments=1, shares=1))
    # engagement 1 + 2 + 4 + 8 = 15; affinity 1 + 3 = 4; decay whole.
    assert score(candidate, 3, NOW, WEIGHTS) == 15 * 4 * DECAY_SCALE
    # Affinity stops growing at the cap.
    assert score(candidate, 10_000, NOW, WEIGHTS) == 15 * 51 * DECAY_SCALE


def test_a_fresh_post_outranks_a_day_old_one_with_a_few_likes() -> None:
    ranked = rank([post("old", 24 * HOUR, likes=3), post("new", 0)], {}, NOW, WEIGHTS)
    assert [item.post_id for item in ranked] == ["new", "old"]


def test_affinity_lifts_an_author_the_reader_reacts_to() -> None:
    candidates = [post("a", HOUR, author="ann"), post("b", HOUR // 2, author="bob")]
    assert [item.post_id for item in rank(candidates, {}, NOW, WEIGHTS)] == ["b", "a"]
    lifted = rank(candidates, {"ann": 5}, NOW, WEIGHTS)
    assert [item.post_id for item in lifted] == ["a", "b"]


def test_a_post_given_twice_is_ranked_once() -> None:
    ranked = rank([post("p", 0), post("p", 0), post("q", 1)], {}, NOW, WEIGHTS)
    assert [item.post_id for item in ranked] == ["p", "q"]


def test_pages_continue_after_the_anchor_without_overlap() -> None:
    candidates = [post(f"p{i}", i * HOUR, likes=i % 3) for i in range(10)]
    ranked = rank(candidates, {}, NOW, WEIGHTS)
    first = page_after(ranked, None, 4)
    second = page_after(ranked, first[-1].key, 4)
    third = page_after(ranked, second[-1].key, 4)
    assert first + second + third == ranked
    with pytest.raises(ValueError, match="limit"):
        page_after(ranked, None, 0)


def test_weights_must_be_whole_and_non_negative() -> None:
    with pytest.raises(ValueError, match="like"):
        RankingWeights(like=-1)
    with pytest.raises(ValueError, match="comment"):
        RankingWeights(comment=True)
    with pytest.raises(ValueError, match="half_life_ms"):
        RankingWeights(half_life_ms=0)
    with pytest.raises(ValueError, match="base_engagement"):
        RankingWeights(base_engagement=0)


@given(WEIGHT_SETS, AGES, AGES)
def test_decay_never_grows_with_age(weights: RankingWeights, one: int, other: int) -> None:
    younger, older = sorted((one, other))
    assert decay(younger, weights) >= decay(older, weights) > 0


@given(WEIGHT_SETS, ENGAGEMENTS, SMALL, AGES, AGES)
def test_newer_ranks_ahead_all_else_equal(
    weights: RankingWeights, engagement: Engagement, interactions: int, one: int, other: int
) -> None:
    younger, older = sorted((one, other))
    if younger == older:
        return
    # The older post even gets the larger id: recency alone must decide.
    candidates = [
        Candidate("a", "ann", NOW - younger, engagement),
        Candidate("b", "ann", NOW - older, engagement),
    ]
    ranked = rank(candidates, {"ann": interactions}, NOW, weights)
    assert [item.post_id for item in ranked] == ["a", "b"]


@given(WEIGHT_SETS, ENGAGEMENTS, ENGAGEMENTS, SMALL, AGES)
def test_more_engagement_never_scores_lower(
    weights: RankingWeights, one: Engagement, extra: Engagement, interactions: int, age: int
) -> None:
    more = Engagement(
        one.likes + extra.likes, one.comments + extra.comments, one.shares + extra.shares
    )
    base = score(Candidate("p", "ann", NOW - age, one), interactions, NOW, weights)
    bigger = score(Candidate("p", "ann", NOW - age, more), interactions, NOW, weights)
    assert bigger >= base
    if weights.like and extra.likes:
        assert bigger > base


@given(WEIGHT_SETS, ENGAGEMENTS, SMALL, SMALL, AGES)
def test_more_affinity_never_scores_lower(
    weights: RankingWeights, engagement: Engagement, one: int, other: int, age: int
) -> None:
    low, high = sorted((one, other))
    candidate = Candidate("p", "ann", NOW - age, engagement)
    assert score(candidate, high, NOW, weights) >= score(candidate, low, NOW, weights)


@given(
    WEIGHT_SETS,
    # Unique ids: a post id names one post, the same wherever it comes from.
    st.lists(
        st.builds(Candidate, st.text(max_size=3), st.sampled_from("ab"), AGES, ENGAGEMENTS),
        unique_by=lambda candidate: candidate.post_id,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_paging_through_the_ranked_order_yields_it_whole_once(
    weights: RankingWeights, candidates: list[Candidate], limit: int
) -> None:
    ranked = rank(candidates, {"a": 3}, NOW, weights)
    assert ranked == rank(list(reversed(candidates)), {"a": 3}, NOW, weights)
    seen = []
    after = None
    while page := page_after(ranked, after, limit):
        seen.extend(page)
        after = page[-1].key
    assert seen == ranked
