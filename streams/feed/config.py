"""The feed's configuration, read from ONELOG_FEED_* variables beside the
platform's settings: the member stage's rules (the hybrid fan-out's K, the
buckets, the cap, the backfill, the longest post), the ranking weights, and
the key that signs page cursors (a secret file, created once: readers'
cursors stay valid across gateway restarts and between gateways).

    ONELOG_FEED_PUSH_LIMIT        K: authors with at most K followers are pushed (10000)
    ONELOG_FEED_RETURN_AT         a pulled author is pushed again at or below it (K)
    ONELOG_FEED_FOLLOWER_BUCKETS  parts of a follower set (16; fixed for a log's life)
    ONELOG_FEED_TIMELINE_CAP      entries a timeline keeps in Redis, and an author's
                                  posts the stage keeps (1000; projections/feed/keys.py
                                  reads it too)
    ONELOG_FEED_BACKFILL_POSTS    a followee's posts a follow brings (20)
    ONELOG_FEED_POST_MAX_CHARS    the longest post (500; at most 5000)
    ONELOG_FEED_RANK_<WEIGHT>     each of ranking.RankingWeights' fields, upper-case
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

from infra.secret_file import read_or_create_secret
from infra.settings import Settings
from schemas.feed.records import TEXT_MAX_CHARS
from streams.feed.fanout_policy import FanoutPolicy
from streams.feed.member_state import POST_MAX_CHARS, TIMELINE_CAP, MemberRules
from streams.feed.ranking import RankingWeights


@dataclass(frozen=True)
class FeedSettings:
    rules: MemberRules
    weights: RankingWeights
    cursor_key_path: Path

    def cursor_key(self) -> bytes:
        """The cursors' MAC key (32 random bytes, mode 0600), created once."""
        return read_or_create_secret(self.cursor_key_path, lambda: secrets.token_bytes(32))


def _int(name: str, default: int) -> int:
    value = _optional_int(name)
    return default if value is None else value


def _optional_int(name: str) -> int | None:
    text = os.environ.get(f"ONELOG_FEED_{name}")
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"ONELOG_FEED_{name} must be an integer, not {text!r}") from None


def feed_settings(settings: Settings) -> FeedSettings:
    default_policy = FanoutPolicy()
    post_max_chars = _int("POST_MAX_CHARS", POST_MAX_CHARS)
    if not 1 <= post_max_chars <= TEXT_MAX_CHARS:
        raise ValueError(f"ONELOG_FEED_POST_MAX_CHARS must lie in 1..{TEXT_MAX_CHARS}")
    policy = FanoutPolicy(
        push_limit=_int("PUSH_LIMIT", default_policy.push_limit),
        return_at=_optional_int("RETURN_AT"),
        buckets=_int("FOLLOWER_BUCKETS", default_policy.buckets),
        backfill_posts=_int("BACKFILL_POSTS", default_policy.backfill_posts),
    )
    rules = MemberRules(
        policy=policy,
        timeline_cap=_int("TIMELINE_CAP", TIMELINE_CAP),
        post_max_chars=post_max_chars,
    )
    defaults = RankingWeights()
    weights = RankingWeights(**{
        f.name: _int(f"RANK_{f.name.upper()}", getattr(defaults, f.name)) for f in fields(defaults)
    })  # fmt: skip
    return FeedSettings(
        rules=rules, weights=weights, cursor_key_path=settings.state_dir / "feed" / "cursor.key"
    )
