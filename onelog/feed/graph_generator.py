"""A social graph to load the feed with: members whose follower counts follow
a power law, as NDJSON lines for POST /v1/feed/batch.

Pure and seeded: the same shape and seed give the same lines, byte for byte.
The member of rank r (1 = most followed) has (N - 1) // r followers (Zipf's
law with exponent 1, in integers): the first is followed by everyone else,
the tenth by a tenth of the members, the last by one. So the top 1% hold
about 60% of the follows at 100,000 members (ln(N/100) / ln N), the authors
above the push limit K are the first N / K (pulled; the rest pushed), and
members above 100,000 followers exist once N exceeds 200,000 (the first
N / 100,000 - 1 of them; with fewer members nobody can have that many).

The lines come in three phases: every member created, then every follow in a
seeded random order (a celebrity's follows spread over the whole load, not in
one burst on one partition), then `posts_per_member` posts per member, round
by round.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from onelog.feed.batch_commands import CREATE_MEMBER, FOLLOW, PUBLISH_POST

DEFAULT_MEMBERS = 100_000


@dataclass(frozen=True)
class GraphShape:
    members: int = DEFAULT_MEMBERS
    seed: int = 0
    posts_per_member: int = 1
    # Before the number in every id and handle: two graphs with different
    # prefixes live side by side.
    prefix: str = "m"

    def __post_init__(self) -> None:
        if self.members < 2:
            raise ValueError("a graph needs at least two members")
        if self.posts_per_member < 0:
            raise ValueError("posts_per_member must be >= 0")
        if not self.prefix.isascii() or not all(
            c.islower() or c.isdigit() or c == "_" for c in self.prefix
        ):
            raise ValueError("prefix: lowercase letters, digits and _ (it starts every handle)")
        if len(self.member_id(self.members - 1)) > 30:
            raise ValueError("prefix too long: a handle holds at most 30 characters")

    @property
    def digits(self) -> int:
        return max(6, len(str(self.members - 1)))

    def member_id(self, index: int) -> str:
        """The member of rank index + 1 (index 0 is the most followed); also its handle."""
        return f"{self.prefix}{index:0{self.digits}d}"


def follower_count(shape: GraphShape, index: int) -> int:
    """How many follow the member of rank index + 1."""
    return (shape.members - 1) // (index + 1)


def follow_count(shape: GraphShape) -> int:
    return sum(follower_count(shape, i) for i in range(shape.members))


def follows(shape: GraphShape) -> array[int]:
    """Every follow, encoded follower * N + followee, in the seeded load order.

    Each member's followers are a sample without replacement of the others,
    so no one follows themselves and no follow repeats. An array of int64
    keeps 1.2 million follows (100,000 members) in about 10 MB.
    """
    n = shape.members
    rng = random.Random(shape.seed)
    pairs: array[int] = array("q")
    for followee in range(n):
        # A sample of the n - 1 others: indexes past the followee's shift by one.
        for drawn in rng.sample(range(n - 1), follower_count(shape, followee)):
            follower = drawn + 1 if drawn >= followee else drawn
            pairs.append(follower * n + followee)
    rng.shuffle(pairs)  # in place: an array is a mutable sequence
    return pairs


def post_text(shape: GraphShape, index: int, round_: int) -> str:
    return f"post {round_ + 1} of {shape.member_id(index)}: hello from the generated graph"


def member_lines(shape: GraphShape) -> Iterator[dict[str, Any]]:
    for index in range(shape.members):
        member = shape.member_id(index)
        yield {"command": CREATE_MEMBER, "member": member, "handle": member}


def follow_lines(shape: GraphShape) -> Iterator[dict[str, Any]]:
    n = shape.members
    for pair in follows(shape):
        follower, followee = divmod(pair, n)
        yield {
            "command": FOLLOW,
            "member": shape.member_id(follower),
            "other": shape.member_id(followee),
        }


def post_lines(shape: GraphShape) -> Iterator[dict[str, Any]]:
    for round_ in range(shape.posts_per_member):
        for index in range(shape.members):
            yield {
                "command": PUBLISH_POST,
                "member": shape.member_id(index),
                "text": post_text(shape, index, round_),
            }


def batch_lines(shape: GraphShape) -> Iterator[dict[str, Any]]:
    """The batch lines, phase by phase: members, follows, posts."""
    yield from member_lines(shape)
    yield from follow_lines(shape)
    yield from post_lines(shape)
