"""Feed facts applied to a test's Redis namespace through the projector's own
sink and writes (projections/feed/redis.py), as the projector applies what
it reads from the feed topics; and keys that act for members."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from gateway.auth import create_api_key
from gateway.feed.principal import MEMBER
from infra.settings import Settings
from projections.feed.redis import redis_writes
from projections.redis_sink import RedisSink
from schemas.envelope import Record
from schemas.feed import records as fd
from schemas.feed import topics
from tests.integration.gateway.conftest import Gateway
from tests.unit.projections.numbered_records import T0, NumberedRecords

T0_MS = T0 // 1000
FEED_SCOPES = ("feed:read", "feed:write")


def member_key(gateway: Gateway, *members: str, operator: bool = False) -> dict[str, str]:
    """Headers of a new key acting for `members` (or everyone, as operator)."""
    scopes = FEED_SCOPES + ((MEMBER.operator_scope,) if operator else ())
    secret = create_api_key(
        gateway.keys_file, "t-" + uuid.uuid4().hex[:12], scopes,
        principals={MEMBER.kind: members},
    )  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


class FeedProjected(NumberedRecords):
    """A feed's facts, applied to Redis as they are added."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.client = redis.Redis.from_url(settings.redis_url)
        self.sink = RedisSink(self.client, settings.namespace)
        self.offsets: dict[str, int] = {}

    def _apply(self, topic: str, key: str, model: type[Record], **fields: Any) -> None:
        record = self.add(topic, key, model, **fields)
        offset = self.offsets.get(topic, 0)
        self.sink.apply(topic, 0, [(offset, redis_writes(record))])
        self.offsets[topic] = offset + 1

    def fact(self, model: type[Record], **fields: Any) -> None:
        self._apply(topics.FEED_FACTS.name, fields["member"], model, **fields)

    def members(self, *names: str) -> None:
        for name in names:
            self.fact(fd.MemberCreated, member=name, handle=name.replace("-", "_").lower()[:30])

    def follows(self, follower: str, author: str) -> None:
        self._apply(topics.FEED_FANOUT.name, f"{author}/0", fd.FollowerAdded, author=author,
                    bucket=0, follower=follower)  # fmt: skip
        self.fact(fd.Followed, member=follower, other=author)

    def unfollows(self, follower: str, author: str) -> None:
        self.fact(fd.Unfollowed, member=follower, other=author, cause="unfollow")

    def blocks(self, blocker: str, blocked: str) -> None:
        self.fact(fd.Blocked, member=blocker, other=blocked)

    def pulled(self, author: str, since_ms: int = T0_MS) -> None:
        self.fact(fd.AuthorDeliveryChanged, member=author, delivery="pull", since_ms=since_ms,
                  buckets=[])  # fmt: skip

    def post(
        self, author: str, post_id: str, at_ms: int, readers: list[str], delivery: str = "push"
    ) -> None:
        """Published, and pushed to `readers` (none for a pulled author)."""
        self.fact(fd.PostPublished, member=author, post_id=post_id, published_at_ms=at_ms,
                  text=f"{post_id} text", links=[], media=[], delivery=delivery)  # fmt: skip
        if readers:
            self._apply(topics.FEED_TIMELINES.name, f"{author}/0", fd.TimelineEntriesAdded,
                        author=author, bucket=0, post_id=post_id, published_at_ms=at_ms,
                        readers=readers)  # fmt: skip

    def deletes(self, author: str, post_id: str) -> None:
        self.fact(fd.PostDeleted, member=author, post_id=post_id)

    def likes(self, member: str, author: str, post_id: str) -> None:
        self._apply(topics.FEED_REACTIONS.name, post_id, fd.PostLiked, post_id=post_id,
                    author=author, member=member)  # fmt: skip


@pytest.fixture
def feed_projected(gateway_settings: Settings) -> Iterator[FeedProjected]:
    projected = FeedProjected(gateway_settings)
    yield projected
    projected.client.close()
