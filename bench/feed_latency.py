"""Post -> visible for ordinary followers: an author with F followers
(default 200, pushed) posts one post every 100 ms (default 200 posts) through
POST /v1/feed/members/{author}/posts. A thread XREADs (BLOCK, bounded) the
live streams feed:live:<reader> of a few followers, one per bucket, which the
projector appends to as it writes each timeline entry. A post's latency, per
watched follower, is the time from just before its POST to the entry's
arrival on that follower's stream: the gateway, the member stage, the
fan-out stage and the projector together.

    python -m bench.feed_latency [--followers 200] [--posts 200] [--every-ms 100] [--watch 4]
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

import redis

from bench import feed_support, support
from bench.feed_support import FeedBench, create_lines, follow_lines, member_ids
from projections.feed import keys

BLOCK_MS = 100
LAST_WAIT_S = 30.0


class LiveWatcher(threading.Thread):
    """Notes when each post id first reaches each watched stream."""

    def __init__(self, client: redis.Redis, stream_keys: list[str]) -> None:
        super().__init__(daemon=True)
        self._client = client
        # From the start, not "$": a "$" left on a stream while another one
        # answers would skip what arrived in between. The followers are new,
        # so their streams hold only this run's posts.
        self._positions: dict[str, bytes | str] = dict.fromkeys(stream_keys, "0-0")
        self.seen: dict[tuple[str, str], float] = {}  # (stream, post id) -> monotonic
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            # redis-py types replies loosely: XREAD answers [[stream, [(id, fields)]]].
            answer: Any = self._client.xread(self._positions, block=BLOCK_MS)  # type: ignore[arg-type]
            now = time.monotonic()
            for raw_stream, entries in answer or []:
                stream = raw_stream.decode()  # the key as given, so it is not named twice
                for entry_id, fields in entries:
                    self._positions[stream] = entry_id
                    self.seen.setdefault((stream, fields[b"post_id"].decode()), now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--followers", type=int, default=200)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--every-ms", type=int, default=100)
    parser.add_argument("--watch", type=int, default=4)
    args = parser.parse_args()
    with feed_support.feed_bench() as bench:
        print(support.machine_line())
        run(bench, args.followers, args.posts, args.every_ms / 1000, args.watch)


def watched_followers(bench: FeedBench, followers: list[str], how_many: int) -> list[str]:
    """Followers in different buckets, so different fan-out records are timed."""
    by_bucket: dict[int, str] = {}
    for follower in followers:
        by_bucket.setdefault(feed_support.bucket_of(bench.settings, follower), follower)
    return list(by_bucket.values())[:how_many]


def run(bench: FeedBench, count: int, posts: int, every_s: float, watch: int) -> None:
    prefix = feed_support.run_prefix("la")
    author = f"{prefix}author"
    followers = member_ids(prefix, count)
    bench.load(create_lines([author, *followers]))
    bench.wait_members([author, *followers])
    bench.load(follow_lines((follower, author) for follower in followers))
    bench.wait_followers(author, count)
    watched = watched_followers(bench, followers, watch)
    streams = [bench.rkey(keys.live(reader)) for reader in watched]
    watcher = LiveWatcher(redis.Redis.from_url(bench.settings.redis_url), streams)
    watcher.start()
    sent: dict[str, float] = {}
    began = time.monotonic()
    for n in range(posts):
        # Open loop: each post at its own time, however long the last took.
        time.sleep(max(0.0, began + n * every_s - time.monotonic()))
        before = time.monotonic()
        sent[bench.post(author, f"latency {n}")] = before
    sending_s = time.monotonic() - began
    expected = {(stream, post_id) for stream in streams for post_id in sent}
    try:
        feed_support.wait_for(lambda: expected <= watcher.seen.keys(), LAST_WAIT_S, "every entry")
    finally:
        watcher.stop.set()
        watcher.join(timeout=5)
    latencies = [watcher.seen[(s, p)] - sent[p] for s, p in expected]
    print(
        f"post -> visible: {posts} posts every {every_s * 1000:.0f} ms (sent in {sending_s:.1f} s) "
        f"by an author with {count} followers (delivery {bench.member_field(author, 'delivery')}), "
        f"{len(watched)} followers' live streams watched"
    )
    print(f"  POST start -> entry on feed:live:<reader>: {feed_support.ms_summary(latencies)}")


if __name__ == "__main__":
    main()
