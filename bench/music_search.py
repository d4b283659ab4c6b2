"""Search over 100,000 tracks (issue 12's aim: p99 <= 50 ms): GET
/v1/music/search, p50/p99 sequential and with `--clients` concurrent
clients. The generated catalog (bench.music_support) is loaded once and the
search indexer (started here unless it runs) has indexed it before timing.

The query mix, drawn (seeded) from the catalog's own titles, in equal
shares: a whole word (some are common words in thousands of titles), a
word's first 3 to 5 letters (a prefix), and a word of 4 or more letters
with one letter changed (a typo, found within one edit); each with the
route's default kinds and limit 20.

    python -m bench.music_search [--queries 600] [--clients 8] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import string
import threading
import time

import httpx

from bench import music_support, support
from bench.feed_support import wait_for
from bench.music_support import MusicBench
from onelog.music.catalog_generator import Catalog
from projections.music.search_index import SearchIndex, index_folder

INDEX_WAIT_S = 600.0
KINDS = ("word", "prefix", "typo")


def query_mix(catalog: Catalog, count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, q) pairs, the kinds in turn."""
    rng = random.Random(seed)
    queries = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        words = rng.choice(catalog.tracks).title.lower().split()
        if kind == "typo":
            words = [w for w in words if len(w) >= 4] or ["love"]
        word = rng.choice(words)
        if kind == "prefix":
            word = word[: rng.randint(3, 5)]
        elif kind == "typo":
            at = rng.randrange(1, len(word))
            word = (
                word[:at]
                + rng.choice(string.ascii_lowercase.replace(word[at], ""))
                + word[at + 1 :]
            )
        queries.append((kind, word))
    return queries


def wait_indexed(bench: MusicBench, catalog: Catalog) -> str:
    """Until the index holds the catalog's last track and as many documents."""
    folder = index_folder(bench.settings)
    last = f"track:{catalog.tracks[-1].track_id}"
    entries = len(catalog.tracks) + len(catalog.albums) + len(catalog.artists)

    def indexed() -> bool:
        if not folder.exists():
            return False
        index = SearchIndex.open(folder)
        return index.document(last) is not None and index.count() >= entries

    waited = wait_for(indexed, INDEX_WAIT_S, f"{entries:,} documents indexed", every=1.0)
    return f"index: {SearchIndex.open(folder).count():,} documents ({waited:.1f} s waited)"


def timed(http: httpx.Client, queries: list[tuple[str, str]]) -> list[tuple[str, float, int]]:
    """(kind, seconds, hits) of each query, one after another."""
    times = []
    for kind, q in queries:
        began = time.perf_counter()
        answer = http.get("/v1/music/search", params={"q": q})
        took = time.perf_counter() - began
        answer.raise_for_status()
        times.append((kind, took, len(answer.json()["hits"])))
    return times


def concurrent(
    bench: MusicBench, queries: list[tuple[str, str]], clients: int
) -> list[tuple[str, float, int]]:
    """The queries shared among `clients` threads, each with its own connection."""
    results: list[list[tuple[str, float, int]]] = [[] for _ in range(clients)]
    headers = {"Authorization": f"Bearer {bench.key}"}

    def one(index: int) -> None:
        with httpx.Client(base_url=bench.settings.gateway_url, headers=headers, timeout=30) as http:
            results[index] = timed(http, queries[index::clients])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for part in results for r in part]


def report(what: str, results: list[tuple[str, float, int]], wall_s: float) -> None:
    print(f"  {what}: {support.latency_summary([s for _, s, _ in results])}, "
          f"{len(results) / wall_s:,.0f} queries/s")  # fmt: skip
    for kind in KINDS:
        mine = [(s, hits) for k, s, hits in results if k == kind]
        hits = sum(h for _, h in mine) / len(mine) if mine else 0
        print(f"    {kind:<7} {support.latency_summary([s for s, _ in mine])}, {hits:.1f} hits")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with music_support.music_bench(search_indexer=True) as bench:
        print(support.machine_line())
        catalog = music_support.bench_catalog()
        print(bench.ensure_catalog(catalog))
        print(wait_indexed(bench, catalog))
        queries = query_mix(catalog, args.queries, args.seed)
        timed(bench.http, queries[:30])  # warm: connection, the gateway's index opened
        print(f"search: {len(queries)} queries ({', '.join(KINDS)} in turn) over the catalog")
        began = time.monotonic()
        results = timed(bench.http, queries)
        report("sequential", results, time.monotonic() - began)
        began = time.monotonic()
        results = concurrent(bench, queries, args.clients)
        report(f"{args.clients} concurrent", results, time.monotonic() - began)


if __name__ == "__main__":
    main()
