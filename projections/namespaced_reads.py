"""What every domain's read model shares: a Redis client (opened by the
caller) and the namespace whose keys it reads."""

from __future__ import annotations

import redis.asyncio as aioredis


class NamespacedReads:
    def __init__(self, redis: aioredis.Redis, namespace: str) -> None:
        self._redis = redis
        self.namespace = namespace
        self._prefix = f"{namespace}:"

    def _key(self, relative: str) -> str:
        """The key of a read model's `relative` key in this namespace."""
        return self._prefix + relative
