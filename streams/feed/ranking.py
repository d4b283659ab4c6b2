"""The ranked feed's order: EdgeRank-style, recency decay x engagement x affinity.

    score = engagement_points(post) x affinity_points(reader, author) x decay(age)

- engagement_points = base + likes x like + comments x comment + shares x share:
  a post nobody reacted to yet still ranks (base >= 1);
- affinity_points = base + min(interactions, cap) x per_interaction, where
  interactions are the reader's likes, comments and shares on the author's
  posts (the read model counts them); capped so one author cannot bury all
  others in a reader's feed;
- decay = SCALE x half_life / (half_life + age): hyperbolic, 1 at age 0
  (times SCALE), one half at `half_life_ms`, and never below 1, so more
  engagement or affinity always scores higher however old the post.

Integers only (DESIGN.md: no floats in state): the same inputs give the same
score on every machine, a score goes into a cursor and comes back exact, and
replay or a benchmark ranks exactly as the gateway did. Hyperbolic rather
than exponential decay for the same reason: `exp` is a float.

The order is score descending, then newer first, then the larger post id: a
total order, so a page boundary (streams/feed/cursor.py) is never ambiguous
and a newer post ranks ahead of an older one with the same score.

Pure: `now_ms` is given (the first page's snapshot time), never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

DECAY_SCALE = 1_000_000


@dataclass(frozen=True)
class RankingWeights:
    """The ranked feed's weights: configuration, each a non-negative integer."""

    half_life_ms: int = 6 * 60 * 60 * 1000
    base_engagement: int = 1
    like: int = 1
    comment: int = 4
    share: int = 8
    base_affinity: int = 1
    affinity_per_interaction: int = 1
    affinity_cap: int = 50

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            # bool is an int; True as a weight would be a silent typo.
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{field.name} must be an integer >= 0, not {value!r}")
        # A zero base would give a post without reactions, or an author the
        # reader never reacted to, a score of 0 whatever its age: no order.
        for name in ("half_life_ms", "base_engagement", "base_affinity"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")


@dataclass(frozen=True)
class Engagement:
    """A post's reactions so far (the read model's counters)."""

    likes: int = 0
    comments: int = 0
    shares: int = 0


@dataclass(frozen=True)
class Candidate:
    """A post that may appear in the reader's ranked feed."""

    post_id: str
    author: str
    published_at_ms: int
    engagement: Engagement = Engagement()


@dataclass(frozen=True)
class Ranked:
    """A candidate with its score; `key` is its place in the ranked order."""

    post_id: str
    author: str
    published_at_ms: int
    score: int

    @property
    def key(self) -> RankKey:
        return (self.score, self.published_at_ms, self.post_id)


# (score, published_at_ms, post_id); the ranked order is this key descending.
RankKey = tuple[int, int, str]


def decay(age_ms: int, weights: RankingWeights) -> int:
    """DECAY_SCALE at age 0, halved at `half_life_ms`; never increases with age.

    A post from the future (clocks of producers differ) counts as age 0. At
    least 1: a score of 0 would make every reaction to an old post count for
    nothing.
    """
    age = max(0, age_ms)
    return max(1, DECAY_SCALE * weights.half_life_ms // (weights.half_life_ms + age))


def engagement_points(engagement: Engagement, weights: RankingWeights) -> int:
    return (
        weights.base_engagement
        + engagement.likes * weights.like
        + engagement.comments * weights.comment
        + engagement.shares * weights.share
    )


def affinity_points(interactions: int, weights: RankingWeights) -> int:
    """The reader's affinity for an author from the reader's interactions with them."""
    counted = min(max(0, interactions), weights.affinity_cap)
    return weights.base_affinity + counted * weights.affinity_per_interaction


def score(candidate: Candidate, interactions: int, now_ms: int, weights: RankingWeights) -> int:
    """The candidate's score for a reader with `interactions` with its author."""
    return (
        engagement_points(candidate.engagement, weights)
        * affinity_points(interactions, weights)
        * decay(now_ms - candidate.published_at_ms, weights)
    )


def rank(
    candidates: Iterable[Candidate],
    interactions: Mapping[str, int],
    now_ms: int,
    weights: RankingWeights,
) -> list[Ranked]:
    """Candidates in ranked order (best first); `interactions` by author, 0 if absent.

    A post id given twice is ranked once (the pushed timeline and a pulled
    author's posts can both hold it while an author crosses the threshold);
    the copies are the same post, so which one is kept does not matter.
    """
    by_id = {candidate.post_id: candidate for candidate in candidates}
    ranked = [
        Ranked(
            post_id=candidate.post_id,
            author=candidate.author,
            published_at_ms=candidate.published_at_ms,
            score=score(candidate, interactions.get(candidate.author, 0), now_ms, weights),
        )
        for candidate in by_id.values()
    ]
    ranked.sort(key=lambda item: item.key, reverse=True)
    return ranked


def page_after(ranked: Sequence[Ranked], after: RankKey | None, limit: int) -> list[Ranked]:
    """At most `limit` items that come after `after` in the ranked order.

    `ranked` must be in ranked order (as `rank` returns it) and scored at the
    same `now_ms` as the page that gave `after`: that is what keeps pages
    stable while time passes.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, not {limit!r}")
    if after is None:
        return list(ranked[:limit])
    return [item for item in ranked if item.key < after][:limit]
