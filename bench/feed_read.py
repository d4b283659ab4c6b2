"""Timeline reads of 50 items over HTTP, on full timelines.

R readers (default 1,000) follow A authors (default 50) who post enough to
fill every timeline to the cap (A x posts = 1,000 entries each, pushed), and
also follow a celebrity with more than K followers (pulled: the extra
followers are made up to pass K), whose posts are merged at read.
GET /v1/feed/members/{reader}/timeline?mode=ranked&limit=50 (then
chronological), first page, readers in turn: p50/p99 sequentially on one
keep-alive connection, then with 8 clients at once (each its own connection).

    python -m bench.feed_read [--readers 1000] [--authors 50] [--reads 2000] [--clients 8]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench import feed_support, support
from bench.feed_support import FeedBench, create_lines, follow_lines, member_ids, post_line
from projections.feed import keys
from streams.feed.config import feed_settings

CELEBRITY_POSTS = 20
SAMPLED_READERS = 20


def set_up(bench: FeedBench, readers: int, authors: int) -> tuple[list[str], str]:
    prefix = feed_support.run_prefix("rd")
    reader_ids = member_ids(f"{prefix}r", readers)
    author_ids = member_ids(f"{prefix}a", authors)
    star = f"{prefix}star"
    push_limit = feed_settings(bench.settings).rules.policy.push_limit
    extras = member_ids(f"{prefix}e", max(0, push_limit + 1 - readers))
    began = time.monotonic()
    everyone = [*reader_ids, *author_ids, star, *extras]
    bench.load(create_lines(everyone))
    bench.wait_members(everyone)
    bench.load(follow_lines((r, a) for r in reader_ids for a in author_ids))
    bench.load(follow_lines((fan, star) for fan in [*reader_ids, *extras]))
    for author in author_ids:
        bench.wait_followers(author, readers)
    bench.wait_followers(star, readers + len(extras))
    per_author = -(-keys.TIMELINE_CAP // authors)
    bench.load(
        post_line(author, f"post {n} of {author}")
        for n in range(per_author)
        for author in author_ids
    )
    star_posts = bench.post_batch(
        [post_line(star, f"celebrity {n}") for n in range(CELEBRITY_POSTS)]
    )
    sample = reader_ids[:: max(1, readers // SAMPLED_READERS)]
    feed_support.wait_for(
        lambda: min(bench.timeline_size(sample)) >= keys.TIMELINE_CAP, 900, "timelines full"
    )
    feed_support.wait_for(
        lambda: all(bench.redis.exists(bench.rkey(keys.post(p))) for p in star_posts),
        120,
        "celebrity posts shown",
    )
    print(
        f"set up in {time.monotonic() - began:.1f} s: {readers:,} readers x {authors} authors "
        f"x {per_author} posts (timelines at the cap of {keys.TIMELINE_CAP:,}), a celebrity with "
        f"{readers + len(extras):,} followers (delivery {bench.member_field(star, 'delivery')}) "
        f"and {CELEBRITY_POSTS} posts merged at read"
    )
    return reader_ids, star


def timed_reads(http: httpx.Client, readers: list[str], mode: str, reads: int) -> list[float]:
    seconds = []
    for n in range(reads):
        reader = readers[n % len(readers)]
        began = time.perf_counter()
        answer = http.get(f"/v1/feed/members/{reader}/timeline", params={"mode": mode, "limit": 50})
        seconds.append(time.perf_counter() - began)
        if answer.status_code != 200 or len(answer.json()["items"]) != 50:
            raise SystemExit(f"{reader}: {answer.status_code} {answer.text[:200]}")
    return seconds


def concurrent_reads(
    bench: FeedBench, readers: list[str], mode: str, reads: int, clients: int
) -> tuple[list[float], float]:
    """Each client its own connection and its own share of the readers."""
    headers = {"Authorization": f"Bearer {bench.key}"}

    def one_client(index: int) -> list[float]:
        with httpx.Client(base_url=bench.settings.gateway_url, headers=headers, timeout=60) as c:
            return timed_reads(c, readers[index::clients], mode, reads // clients)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one_client, range(clients)))
    return [s for r in results for s in r], time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--readers", type=int, default=1_000)
    parser.add_argument("--authors", type=int, default=50)
    parser.add_argument("--reads", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with feed_support.feed_bench() as bench:
        print(support.machine_line())
        readers, _ = set_up(bench, args.readers, args.authors)
        timed_reads(bench.http, readers, "ranked", 50)  # warm the connection and caches
        for mode in ("ranked", "chronological"):
            sequential = timed_reads(bench.http, readers, mode, args.reads)
            print(f"{mode}, limit 50, sequential: {feed_support.ms_summary(sequential)}")
            together, wall = concurrent_reads(bench, readers, mode, args.reads, args.clients)
            print(
                f"{mode}, limit 50, {args.clients} clients: {feed_support.ms_summary(together)}; "
                f"{len(together) / wall:,.0f} reads/s"
            )


if __name__ == "__main__":
    main()
