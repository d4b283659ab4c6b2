"""Fan-out in timeline entries written per second, and a celebrity post's cost.

- fan-out: an author with N followers (default 10,000 = K, still pushed)
  publishes P posts (default 50) in one batch. The clock runs from before the
  batch's POST until, in Redis, one reader of every follower bucket (the
  bucket's last in sorted order, so it is in the last record of each post's
  bucket) has all P posts in its timeline: the projector has applied every
  bucket's last record. entries/s = P x N over that time. Beside it, the
  fan-out stage's own rate: TimelineEntriesAdded readers committed on
  feed.timelines (read_committed, from the topic's end) per second until the
  last one, so the projector's share is the difference.
- celebrity: an author with N + 1 followers (past K, so pulled) posts C posts
  (default 20); the entries written for them on feed.timelines (0 expected),
  and the cost moved to read: ranked reads of 50 items p50/p99 for followers
  of the celebrity and of the pushed author, against followers of the pushed
  author only.

    python -m bench.feed_fanout [--followers 10000] [--posts 50] [--celebrity-posts 20]
"""

from __future__ import annotations

import argparse
import time

from bench import feed_support, support
from bench.feed_support import FeedBench, create_lines, follow_lines, member_ids, post_line
from projections.feed import keys
from schemas.feed import records as feed

FACT_WAIT_S = 3.0  # how long feed.timelines is watched after a pulled post is shown
READS = 200


def _bucket_tails(bench: FeedBench, followers: list[str]) -> list[str]:
    """The last follower (sorted) of every bucket: it is in each post's last record."""
    tails: dict[int, str] = {}
    for follower in sorted(followers):
        tails[feed_support.bucket_of(bench.settings, follower)] = follower
    return list(tails.values())


def fan_out(bench: FeedBench, author: str, followers: list[str], posts: int) -> None:
    tails = _bucket_tails(bench, followers)
    watcher = support.FactFollower(
        bench.settings.kafka_bootstrap, ["feed.timelines"], [feed.TimelineEntriesAdded]
    )
    try:
        lines = [post_line(author, f"fan-out {n} of {author}") for n in range(posts)]
        began = time.monotonic()
        post_ids = set(bench.post_batch(lines))
        answered = time.monotonic() - began
        stage_entries, stage_last = 0, 0.0
        projected = 0.0
        deadline = began + 600
        while time.monotonic() < deadline:
            for _, fields in watcher.poll(timeout=0.01):
                if fields["post_id"] in post_ids:
                    stage_entries += len(fields["readers"])
                    stage_last = time.monotonic() - began
            if not projected and min(bench.timeline_size(tails)) >= posts:
                projected = time.monotonic() - began
            if projected and stage_entries >= posts * len(followers):
                break
        else:
            raise SystemExit("fan-out not projected within 600 s")
    finally:
        watcher.close()
    entries = posts * len(followers)
    print(
        f"fan-out: {posts} posts x {len(followers):,} followers = {entries:,} entries "
        f"(batch answered after {answered * 1000:.0f} ms)"
    )
    print(
        f"  stage (TimelineEntriesAdded readers committed on feed.timelines): "
        f"{stage_entries:,} in {stage_last:.2f} s = {stage_entries / stage_last:,.0f} entries/s"
    )
    print(
        f"  projected (every bucket's last reader holds all {posts} posts in Redis, "
        f"{len(tails)} buckets): {projected:.2f} s = {entries / projected:,.0f} entries/s"
    )


def celebrity(bench: FeedBench, followers: list[str], prefix: str, posts: int) -> None:
    """Followers 10.. of the pushed author also follow a celebrity with N + 1
    followers; followers 0..9 do not: the read cost of the merge."""
    star = f"{prefix}star"
    extras = [f"{prefix}extra{n:02d}" for n in range(11)]
    fans = followers[10:] + extras
    bench.load(create_lines([star, *extras]))
    bench.wait_members([star, *extras])
    bench.load(follow_lines((fan, star) for fan in fans))
    bench.wait_followers(star, len(fans))
    delivery = bench.member_field(star, "delivery")
    watcher = support.FactFollower(
        bench.settings.kafka_bootstrap, ["feed.timelines"], [feed.TimelineEntriesAdded]
    )
    try:
        ids = bench.post_batch([post_line(star, f"celebrity {n}") for n in range(posts)])
        feed_support.wait_for(
            lambda: all(bench.redis.exists(bench.rkey(keys.post(i))) for i in ids),
            120,
            "celebrity posts shown",
        )
        written = 0
        watch_until = time.monotonic() + FACT_WAIT_S
        while time.monotonic() < watch_until:
            written += sum(
                len(f["readers"]) for _, f in watcher.poll(timeout=0.1) if f["author"] == star
            )
    finally:
        watcher.close()
    print(
        f"celebrity: {len(fans):,} followers (delivery {delivery}), {posts} posts: "
        f"{written} timeline entries written"
    )
    for label, readers in (("without", followers[:10]), ("with", followers[10:20])):
        seconds, sizes = [], []
        for n in range(READS):
            reader = readers[n % len(readers)]
            began = time.perf_counter()
            page = bench.timeline(reader, "ranked")
            seconds.append(time.perf_counter() - began)
            sizes.append(len(page["items"]))
        print(
            f"  ranked read, 50 items, {label} the celebrity followee "
            f"({min(sizes)}-{max(sizes)} items): {feed_support.ms_summary(seconds)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--celebrity-posts", type=int, default=20)
    parser.add_argument("--skip-celebrity", action="store_true")
    args = parser.parse_args()
    with feed_support.feed_bench() as bench:
        print(support.machine_line())
        prefix = feed_support.run_prefix("fo")
        author = f"{prefix}author"
        followers = member_ids(prefix, args.followers)
        began = time.monotonic()
        bench.load(create_lines([author, *followers]))
        bench.wait_members([author, *followers])
        bench.load(follow_lines((follower, author) for follower in followers))
        bench.wait_followers(author, len(followers))
        print(
            f"set up: {args.followers:,} members following {author} in "
            f"{time.monotonic() - began:.1f} s (delivery {bench.member_field(author, 'delivery')})"
        )
        fan_out(bench, author, followers, args.posts)
        if not args.skip_celebrity:
            celebrity(bench, followers, prefix, args.celebrity_posts)


if __name__ == "__main__":
    main()
