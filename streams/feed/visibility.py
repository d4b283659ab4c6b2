"""Block rules: who may see whose posts, by which route, and what a block undoes.

Decisions (docs/feed.md):

- When an author has blocked a reader, the reader never sees the author's
  posts by any route: the pushed timeline, the merge of pulled authors, a
  direct read of one post, the live stream. The purge a block triggers is
  housekeeping (it frees the timeline's cap); this read-time rule is the
  guarantee, because a fan-out record already in flight when the block is
  decided can still land in the reader's timeline after the purge.
- When the reader has blocked an author, the reader's feed drops that
  author's posts too (they asked not to see them), but a post the reader
  opens on purpose (a direct read) is shown: it is the reader's own choice.
- A block removes the follow edges both ways (blocker -> blocked and
  blocked -> blocker) and purges each one's timeline of the other's posts.
  Unblocking restores nothing: following again is a new follow.
- While either has blocked the other, neither may follow the other, nor like,
  comment on or share the other's posts: `Rejection.BLOCKED`.

Pure: the caller hands over the blocks that concern the reader (both
directions); nothing here reads a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from streams.feed.rejections import Rejection


class Route(StrEnum):
    """How a post reaches a reader."""

    TIMELINE = "timeline"  # the reader's pushed timeline
    MERGE = "merge"  # a pulled author's recent posts merged in at read
    LIVE = "live"  # the reader's SSE stream
    DIRECT = "direct"  # the reader asked for this one post


@dataclass(frozen=True)
class Blocks:
    """Blocks as (blocker, blocked) pairs; for a read, those naming the reader."""

    pairs: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Blocks:
        return cls(frozenset(pairs))

    def has_blocked(self, blocker: str, blocked: str) -> bool:
        return (blocker, blocked) in self.pairs

    def between(self, one: str, other: str) -> bool:
        """Whether either of the two has blocked the other."""
        return self.has_blocked(one, other) or self.has_blocked(other, one)


def may_see(blocks: Blocks, reader: str, author: str, route: Route) -> bool:
    """Whether `reader` may be shown a post of `author` arriving by `route`.

    Contract: False on every route when the author has blocked the reader;
    False on every route but `DIRECT` when the reader has blocked the author;
    a member always sees their own posts.
    """
    if reader == author:
        return True
    if blocks.has_blocked(author, reader):
        return False
    return route is Route.DIRECT or not blocks.has_blocked(reader, author)


def refusal_to_interact(blocks: Blocks, actor: str, other: str) -> Rejection | None:
    """Why `actor` may not follow `other` or react to their posts, or None.

    Following oneself is refused (`SELF`); reacting to one's own post is not
    a follow, so callers that allow it check `actor == other` first.
    """
    if actor == other:
        return Rejection.SELF
    if blocks.between(actor, other):
        return Rejection.BLOCKED
    return None


@dataclass(frozen=True)
class BlockPurge:
    """What a block undoes.

    `edges`: the follow edges (follower, followee) to remove, both ways,
    whether or not they exist (removing a missing edge changes nothing).
    `timelines`: (reader, author) pairs: remove the author's posts from the
    reader's timeline.
    """

    edges: tuple[tuple[str, str], tuple[str, str]]
    timelines: tuple[tuple[str, str], tuple[str, str]]


def purge_on_block(blocker: str, blocked: str) -> BlockPurge:
    """The follow edges and timeline entries a block by `blocker` removes."""
    if blocker == blocked:
        raise ValueError(f"member {blocker!r} cannot block themselves")
    both_ways = ((blocker, blocked), (blocked, blocker))
    return BlockPurge(edges=both_ways, timelines=both_ways)
