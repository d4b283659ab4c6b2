"""Recommendation query time (docs/music.md, Benchmarks): "fans also like"
and "because you played" over chDB, and the weekly discovery's compute.

Generated listening goes straight into a chDB of its own (music_plays rows,
as the projector writes them; no Kafka), in sessions: each listener plays
from a few favourite artists and the catalog's Zipf-like head, and one
listener in 20 deletes their history, so the views' anti-join has work to
do. Then, each query asked `--runs` times for artists and tracks drawn by
popularity: p50 and p99 in ms. Then the discovery: the matrix read through
the same SQL (listener_track_streams_sql), built and factorised (implicit's
ALS), with the time of each step.

    python -m bench.music_recommendations [--listeners L] [--tracks T]
        [--sessions S] [--plays-per-session P] [--runs R] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from projections.clickhouse import ChdbClickHouse
from projections.music.clickhouse import COLUMNS, DDL, HISTORY_DELETIONS, PLAYS
from projections.music.recommendations_sql import (
    FANS_WINDOW_MS,
    PAGE_ROWS_MAX,
    because_you_played_sql,
    fans_also_like_sql,
    listener_track_streams_sql,
)
from streams.music.discovery import AlsParameters, discovery_playlists, listening_matrix

DAY_MS = 24 * 60 * 60 * 1000
NOW_MS = 1_790_000_000_000
TRACKS_PER_ARTIST = 10
TRACK_MS = 200_000


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


def generate(
    ch: ChdbClickHouse, listeners: int, tracks: int, sessions: int, per_session: int, seed: int
) -> tuple[int, list[float]]:
    """Insert the plays and deletions; (plays, the tracks' weights)."""
    rnd = random.Random(seed)
    weights = _zipf_weights(tracks)
    artists = max(1, tracks // TRACKS_PER_ARTIST)
    plays: list[tuple[object, ...]] = []
    deletions: list[tuple[object, ...]] = []
    offset = 0
    for n in range(listeners):
        listener = f"l{n}"
        favourites = [rnd.randrange(artists) for _ in range(3)]
        for s in range(sessions):
            start = NOW_MS - rnd.randrange(60) * DAY_MS - s * 3_600_000
            for k in range(per_session):
                if rnd.random() < 0.5:
                    a = rnd.choice(favourites)
                    t = a * TRACKS_PER_ARTIST + rnd.randrange(TRACKS_PER_ARTIST)
                else:
                    t = rnd.choices(range(tracks), weights)[0]
                offset += 1
                at = start + k * TRACK_MS
                plays.append((
                    "music.listens", 0, offset, f"e{offset}", 0, 0, listener, f"t{t}",
                    f"a{t // TRACKS_PER_ARTIST}", at, TRACK_MS, TRACK_MS, 0, 1, "", "album",
                    "", "mobile", "SE", f"{listener}-s{s}",
                ))  # fmt: skip
        if n % 20 == 19:
            offset += 1
            deletions.append(("music.listens", 0, offset, f"e{offset}", 0, 0, listener,
                              NOW_MS - 30 * DAY_MS, 0))  # fmt: skip
    for start in range(0, len(plays), 200_000):
        ch.insert(PLAYS, plays[start : start + 200_000], COLUMNS[PLAYS])
    ch.insert(HISTORY_DELETIONS, deletions, COLUMNS[HISTORY_DELETIONS])
    return len(plays), weights


def timed(runs: int, query: Callable[[int], str], ch: ChdbClickHouse) -> tuple[float, float]:
    """(p50, p99) in ms of `runs` queries, the i-th given by query(i)."""
    times = []
    for i in range(runs):
        sql = query(i)
        began = time.perf_counter()
        ch.query_read_only(sql)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listeners", type=int, default=5_000)
    parser.add_argument("--tracks", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--plays-per-session", type=int, default=8)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-music-rec-") as folder:
        ch = ChdbClickHouse(Path(folder) / "chdb", "bench_music_rec")
        try:
            for ddl in DDL:
                ch.execute(ddl)
            began = time.perf_counter()
            plays, weights = generate(ch, args.listeners, args.tracks, args.sessions,
                                      args.plays_per_session, args.seed)  # fmt: skip
            took = time.perf_counter() - began
            print(f"plays                 {plays:,} of {args.listeners:,} listeners over "
                  f"{args.tracks:,} tracks, inserted in {took:.1f} s")  # fmt: skip
            rnd = random.Random(args.seed + 1)
            picks = rnd.choices(range(args.tracks), weights, k=args.runs)
            since_ms = NOW_MS - FANS_WINDOW_MS
            p50, p99 = timed(args.runs, lambda i: fans_also_like_sql(
                f"a{picks[i] // TRACKS_PER_ARTIST}", since_ms), ch)  # fmt: skip
            print(f"fans also like        p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
            p50, p99 = timed(args.runs, lambda i: because_you_played_sql(f"t{picks[i]}"), ch)
            print(f"because you played    p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
            p50, p99 = timed(args.runs, lambda i: because_you_played_sql(
                f"t{picks[i]}", f"l{i % args.listeners}"), ch)  # fmt: skip
            print(f"  ... for a listener  p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")

            began = time.perf_counter()
            cells: list[tuple[str, str, int]] = []
            while True:
                page = ch.query_read_only(listener_track_streams_sql(PAGE_ROWS_MAX, len(cells)))
                cells.extend((r["listener"], r["track_id"], int(r["streams"])) for r in page)
                if len(page) < PAGE_ROWS_MAX:
                    break
            read_s = time.perf_counter() - began
            began = time.perf_counter()
            matrix = listening_matrix(cells)
            build_s = time.perf_counter() - began
            began = time.perf_counter()
            playlists = discovery_playlists(matrix, AlsParameters())
            als_s = time.perf_counter() - began
            print(f"discovery             {len(cells):,} cells read in {read_s:.2f} s, matrix "
                  f"{matrix.streams.shape[0]:,} x {matrix.streams.shape[1]:,} in {build_s:.2f} s, "
                  f"ALS and {len(playlists):,} playlists in {als_s:.2f} s")  # fmt: skip
        finally:
            ch.close()


if __name__ == "__main__":
    main()
