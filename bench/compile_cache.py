"""Compile once: how long a compile takes in the sandbox, and how long a cache hit takes instead.

For each language (C++, Java and Rust by default) the smoke program is
compiled `--repeat` times as a new source (a comment makes each one unique:
a cache miss, the compiler runs in the sandbox), then the last of them is
submitted `--hits` more times (each a cache hit: no compiler). Times are the
wall clock of `Toolchain.compile` as the judge sees it, sandbox set-up
included. Needs the toolchains (`python -m onelog.toolchains`) and bubblewrap;
no Kafka or Redis.

Eviction (`streams/judge/compile_cache.py`, no compiler): a cache of
`--evict-entries` entries of `--entry-kb` each, one entry over its bound;
each of `--publishes` publishes adds an entry and evicts the least recently
used one (what a publish costs at that size: every entry is listed), then the
whole cache is evicted at once (evictions/s).

    python -m bench.compile_cache [--languages cpp,java,rust] [--repeat 5] [--hits 200]
        [--evict-entries 2000] [--entry-kb 16] [--publishes 50]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from streams.judge import compile_cache
from streams.judge.languages import Language, languages
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain


def timed_compile(toolchain: Toolchain, language: Language, source: str) -> tuple[float, bool]:
    """Milliseconds one compile call took, and whether it was a cache hit."""
    started = time.perf_counter()
    compiled = toolchain.compile(language, source)
    elapsed = (time.perf_counter() - started) * 1000
    if not compiled.ok:
        raise SystemExit(f"{language.id}: the smoke program did not compile:\n{compiled.message}")
    return elapsed, compiled.cached


def bench_language(
    toolchain: Toolchain, language: Language, repeat: int, hits: int
) -> tuple[list[float], list[float], int]:
    """Cold compile times, hit times, and how many of the hit calls really hit."""
    comment = "#" if language.id in ("python", "ruby") else "//"
    cold: list[float] = []
    source = language.smoke.source
    for i in range(repeat):
        source = f"{language.smoke.source}\n{comment} bench {time.time_ns()} {i}\n"
        ms, cached = timed_compile(toolchain, language, source)
        assert not cached
        cold.append(ms)
    warm: list[float] = []
    hit_count = 0
    for _ in range(hits):
        ms, cached = timed_compile(toolchain, language, source)
        warm.append(ms)
        hit_count += cached
    return cold, warm, hit_count


def _synthetic_entry(cache: Path, n: int, size: int, used_at: float) -> None:
    entry = cache / "c" / f"{n:064x}"
    entry.mkdir(parents=True)
    (entry / "main").write_bytes(b"\0" * size)
    held = compile_cache.lease(entry, size)
    assert held is not None
    held.release()
    stamp = compile_cache.stamp_of(entry)
    os.utime(stamp, (used_at, used_at))


def bench_eviction(entries: int, entry_kb: int, publishes: int) -> tuple[list[float], float]:
    """Milliseconds of each publish's eviction at `entries` entries, and evictions/s
    when the whole cache goes at once."""
    cache = Path(tempfile.mkdtemp(prefix="onelog-compile-cache-evict-"))
    size = entry_kb * 1024
    old = time.time() - 86_400  # all idle: past any grace
    try:
        for n in range(entries):
            _synthetic_entry(cache, n, size, old + n)
        bound = entries * size - 1
        per_publish: list[float] = []
        for n in range(entries, entries + publishes):
            _synthetic_entry(cache, n, size, old + n)
            started = time.perf_counter()
            done = compile_cache.evict(cache, bound, grace_s=60)
            per_publish.append((time.perf_counter() - started) * 1000)
            assert done.evicted == 2 if n == entries else done.evicted == 1, done
        started = time.perf_counter()
        done = compile_cache.evict(cache, 0, grace_s=60)
        elapsed = time.perf_counter() - started
        return per_publish, done.evicted / elapsed
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="cpp,java,rust")
    parser.add_argument("--repeat", type=int, default=5, help="cold compiles per language")
    parser.add_argument("--hits", type=int, default=200, help="cache hits per language")
    parser.add_argument("--evict-entries", type=int, default=2000, help="entries in the cache")
    parser.add_argument("--entry-kb", type=int, default=16, help="size of each entry")
    parser.add_argument("--publishes", type=int, default=50, help="publishes, each evicting one")
    args = parser.parse_args()

    table = languages()
    chosen = [table[i] for i in args.languages.split(",") if i]
    sandbox = Sandbox()
    cache = Path(tempfile.mkdtemp(prefix="onelog-compile-cache-bench-"))
    cache.chmod(0o755)  # the sandbox's uids walk through it to the work dirs
    print(
        f"compile cache: {args.repeat} cold compiles then {args.hits} hits per language, "
        f"sandbox cgroup {sandbox.cgroup_version or 'none (rlimits)'}"
    )
    print(f"{'language':<12}{'cold median':>13}{'min':>9}{'max':>9}{'hit median':>13}{'hits':>11}")
    try:
        toolchain = Toolchain(sandbox, cache)
        for language in chosen:
            cold, warm, hit_count = bench_language(toolchain, language, args.repeat, args.hits)
            print(
                f"{language.id:<12}{statistics.median(cold):>10,.0f} ms{min(cold):>6,.0f} ms"
                f"{max(cold):>6,.0f} ms{statistics.median(warm):>10,.2f} ms"
                f"{hit_count:>6}/{len(warm)}"
            )
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    per_publish, evictions_per_s = bench_eviction(args.evict_entries, args.entry_kb, args.publishes)
    print(
        f"eviction at {args.evict_entries} entries of {args.entry_kb} KB: a publish's eviction "
        f"median {statistics.median(per_publish):.1f} ms (max {max(per_publish):.1f} ms, "
        f"{len(per_publish)} publishes); the whole cache at once {evictions_per_s:,.0f} evictions/s"
    )


if __name__ == "__main__":
    main()
