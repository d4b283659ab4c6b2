"""The judge's live progress, written to Redis: "running test k of n".

The worker's composition (onelog/worker.py) hands this writer to the judge
agent (it fits the agent's port, streams/judge/live_progress.py). It writes
beside the judge's read model, not into it: no projector writes these keys,
so they are not in keys.READ_MODEL, replay does not rebuild them and verify
does not compare them. The projector's verdict supersedes them.
"""

from __future__ import annotations

import redis

from projections.judge.keys import LIVE_TTL_S, live_status_key, live_update, updates_channel


class RedisLiveProgress:
    """The status hash (expiring) and a message on the submission's channel,
    in one transaction."""

    def __init__(self, url: str, namespace: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._namespace = namespace

    def __call__(self, submission_id: str, test: int, total: int, /) -> None:
        key = live_status_key(self._namespace, submission_id)
        fields, message = live_update(submission_id, test, total)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.expire(key, LIVE_TTL_S)
            pipe.publish(updates_channel(self._namespace, submission_id), message)
            pipe.execute()
