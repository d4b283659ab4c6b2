"""Feed records for projection tests, facts as the stages write them, with
envelopes numbered in the order they are added
(tests/unit/projections/numbered_records.py).

`story()` is a session whose read models are known by hand:

- ann, bob, cat and dan are created; bob (bucket 0) and cat (bucket 1)
  follow ann;
- ann posts p1 (pushed to bob and cat), edits it (version 2), posts p2;
- bob likes and shares p1, cat comments on p1, likes it and unlikes it;
  bob's second like is refused (already_liked), and so is his follow of
  himself (self);
- dan is pulled: his post p3 goes to no timeline; bob follows dan and the
  follow backfills p3; dan turns push and bucket 0 backfills p3 for bob;
- cat blocks ann: cat's follow ends, ann loses the follower, cat's timeline
  is purged (which Redis applies at read, so p1 and p2 stay there);
- ann deletes p2 (its entries are removed at read);
- bob blocks cat and unblocks.
"""

from __future__ import annotations

from typing import Any

from schemas.envelope import Record
from schemas.feed import records as fd
from schemas.feed import topics
from tests.unit.projections.numbered_records import T0, NumberedRecords

FACTS = topics.FEED_FACTS.name
FANOUT = topics.FEED_FANOUT.name
TIMELINES = topics.FEED_TIMELINES.name
REACTIONS = topics.FEED_REACTIONS.name
COMMANDS = topics.FEED_COMMANDS.name

T0_MS = T0 // 1000
P1_MS, P2_MS, P3_MS = T0_MS + 1_000, T0_MS + 2_000, T0_MS + 3_000
PULL_MS, PUSH_MS = T0_MS + 500, T0_MS + 5_000


class Story(NumberedRecords):
    def fact(self, model: type[Record], **fields: Any) -> Record:
        return self.add(FACTS, fields["member"], model, **fields)

    def fanout(self, model: type[Record], **fields: Any) -> Record:
        return self.add(FANOUT, f"{fields['author']}/{fields['bucket']}", model, **fields)

    def timeline(self, model: type[Record], **fields: Any) -> Record:
        return self.add(TIMELINES, f"{fields['author']}/{fields['bucket']}", model, **fields)

    def reaction(self, model: type[Record], **fields: Any) -> Record:
        return self.add(REACTIONS, fields["post_id"], model, **fields)

    def follows(self, follower: str, author: str, bucket: int) -> None:
        self.fanout(fd.FollowerAdded, author=author, bucket=bucket, follower=follower)
        self.fact(fd.Followed, member=follower, other=author)

    def post(self, author: str, post_id: str, at_ms: int, delivery: str = "push") -> None:
        self.fact(fd.PostPublished, member=author, post_id=post_id, published_at_ms=at_ms,
                  text=f"{post_id} as published", links=["https://example.org/" + post_id],
                  media=[{"media_id": "m-" + post_id, "kind": "image"}],
                  delivery=delivery)  # fmt: skip

    def pushed(
        self, author: str, bucket: int, post_id: str, at_ms: int, readers: list[str]
    ) -> None:
        self.timeline(fd.TimelineEntriesAdded, author=author, bucket=bucket, post_id=post_id,
                      published_at_ms=at_ms, readers=readers)  # fmt: skip

    def reacts(self, model: type[Record], member: str, post_id: str, **more: Any) -> None:
        self.reaction(model, post_id=post_id, author="ann", member=member, **more)


def story() -> Story:
    s = Story()
    for member in ("ann", "bob", "cat", "dan"):
        s.fact(fd.MemberCreated, member=member, handle=member)
    s.follows("bob", "ann", 0)
    s.follows("cat", "ann", 1)
    # A command makes no Redis writes: it is archived only.
    s.add(COMMANDS, "ann", fd.PublishPost, member="ann", post_id="p1", text="p1 as published")
    s.post("ann", "p1", P1_MS)
    s.pushed("ann", 0, "p1", P1_MS, ["bob"])
    s.pushed("ann", 1, "p1", P1_MS, ["cat"])
    s.fact(fd.PostEdited, member="ann", post_id="p1", version=2, edited_at_ms=P1_MS + 10,
           text="p1 as edited", links=[], media=[])  # fmt: skip
    s.post("ann", "p2", P2_MS)
    s.pushed("ann", 0, "p2", P2_MS, ["bob"])
    s.pushed("ann", 1, "p2", P2_MS, ["cat"])

    s.reacts(fd.PostLiked, "bob", "p1")
    s.reacts(fd.PostShared, "bob", "p1")
    s.reacts(fd.CommentAdded, "cat", "p1", comment_id="c1", text="nice")
    s.reacts(fd.PostLiked, "cat", "p1")
    s.reacts(fd.PostUnliked, "cat", "p1")
    s.reaction(fd.ReactionRejected, post_id="p1", member="bob", command_id="cmd-like-2",
               command="LikePost", reason="already_liked")  # fmt: skip
    s.fact(fd.CommandRejected, member="bob", command_id="cmd-follow-self", command="Follow",
           reason="self")  # fmt: skip

    s.fact(fd.AuthorDeliveryChanged, member="dan", delivery="pull", since_ms=PULL_MS, buckets=[])
    s.post("dan", "p3", P3_MS, delivery="pull")
    s.follows("bob", "dan", 0)
    s.fact(fd.TimelineBackfilled, member="bob", author="dan",
           entries=[{"post_id": "p3", "published_at_ms": P3_MS}])  # fmt: skip
    s.fact(fd.AuthorDeliveryChanged, member="dan", delivery="push", since_ms=PUSH_MS, buckets=[0])
    s.timeline(fd.BucketBackfilled, author="dan", bucket=0, readers=["bob"],
               entries=[{"post_id": "p3", "published_at_ms": P3_MS}])  # fmt: skip

    s.fact(fd.Blocked, member="cat", other="ann")
    s.fact(fd.Unfollowed, member="cat", other="ann", cause="block")
    s.fanout(fd.FollowerRemoved, author="ann", bucket=1, follower="cat")
    s.fact(fd.TimelinePurged, member="cat", author="ann", post_ids=["p1", "p2"])

    s.fact(fd.PostDeleted, member="ann", post_id="p2")
    s.timeline(fd.TimelineEntriesRemoved, author="ann", bucket=0, post_id="p2", readers=["bob"])

    s.fact(fd.Blocked, member="bob", other="cat")
    s.fact(fd.Unblocked, member="bob", other="cat")
    return s
