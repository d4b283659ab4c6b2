"""The compile cache's bound: eviction order, the bound, the grace rule, leases, on a tmp folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streams.judge import compile_cache
from streams.judge.compile_cache import CacheEntry, evict, eviction_order, lease, to_evict

KB = 1024


def entry(path: str, size: int, last_used: float) -> CacheEntry:
    return CacheEntry(path, size, last_used)


def make_entry(cache: Path, name: str, size: int, used_at: float) -> Path:
    """A published entry of `size` bytes last used at `used_at`."""
    folder = cache / "c" / (name * 64)[:64]
    folder.mkdir(parents=True)
    (folder / "main").write_bytes(b"x" * size)
    held = lease(folder, size)
    assert held is not None
    held.release()
    os.utime(compile_cache.stamp_of(folder), (used_at, used_at))
    return folder


def test_the_least_recently_used_come_first_and_the_recent_not_at_all() -> None:
    entries = [entry("b", 1, 200.0), entry("a", 1, 100.0), entry("c", 1, 990.0)]
    order = eviction_order(entries, now=1000.0, grace_s=60.0)
    assert [e.path for e in order] == ["a", "b"]  # c was used 10 s ago: in its grace


def test_ties_are_broken_by_path_so_two_evictors_agree() -> None:
    entries = [entry("z", 1, 100.0), entry("y", 1, 100.0)]
    assert [e.path for e in eviction_order(entries, now=1000.0, grace_s=0)] == ["y", "z"]


def test_to_evict_stops_once_under_the_bound() -> None:
    entries = [entry("a", 40, 1.0), entry("b", 40, 2.0), entry("c", 40, 3.0)]
    chosen = to_evict(entries, bound_bytes=80, now=1000.0, grace_s=0)
    assert [e.path for e in chosen] == ["a"]
    assert to_evict(entries, bound_bytes=120, now=1000.0, grace_s=0) == []


def test_to_evict_cannot_take_what_the_grace_protects() -> None:
    entries = [entry("a", 40, 990.0), entry("b", 40, 2.0)]
    chosen = to_evict(entries, bound_bytes=0, now=1000.0, grace_s=60.0)
    assert [e.path for e in chosen] == ["b"]


def test_evict_removes_the_oldest_until_under_the_bound(tmp_path: Path) -> None:
    now = time.time()
    old = make_entry(tmp_path, "a", 10 * KB, now - 3000)
    middle = make_entry(tmp_path, "b", 10 * KB, now - 2000)
    new = make_entry(tmp_path, "c", 10 * KB, now - 1000)
    done = evict(tmp_path, 25 * KB, grace_s=60)
    assert done.evicted == 1 and done.freed_bytes == 10 * KB and done.total_bytes == 20 * KB
    assert not old.exists() and not compile_cache.stamp_of(old).exists()
    assert middle.exists() and new.exists()
    assert not [p for p in (tmp_path / "c").iterdir() if p.name.startswith(".evicted")]


def test_a_hit_refreshes_recency_so_the_other_goes(tmp_path: Path) -> None:
    now = time.time()
    first = make_entry(tmp_path, "a", 10 * KB, now - 3000)
    second = make_entry(tmp_path, "b", 10 * KB, now - 2000)
    hit = lease(first)  # a cache hit on the older one
    assert hit is not None
    hit.release()
    evict(tmp_path, 15 * KB, grace_s=60)
    assert first.exists() and not second.exists()


def test_nothing_within_its_grace_is_evicted_even_over_the_bound(tmp_path: Path) -> None:
    now = time.time()
    recent = make_entry(tmp_path, "a", 10 * KB, now - 30)
    done = evict(tmp_path, 0, grace_s=60)
    assert recent.exists() and done.evicted == 0 and done.total_bytes == 10 * KB


def test_an_entry_in_use_is_skipped_and_the_next_taken(tmp_path: Path) -> None:
    now = time.time()
    in_use = make_entry(tmp_path, "a", 10 * KB, now - 3000)
    idle = make_entry(tmp_path, "b", 10 * KB, now - 2000)
    held = lease(in_use)
    assert held is not None
    # Leased long ago and still running: the lease, not the recency, keeps it.
    os.utime(compile_cache.stamp_of(in_use), (now - 3000, now - 3000))
    done = evict(tmp_path, 10 * KB, grace_s=60)
    assert in_use.exists() and not idle.exists()
    assert done.skipped_in_use == 1 and done.evicted == 1
    held.release()
    os.utime(compile_cache.stamp_of(in_use), (now - 3000, now - 3000))
    assert evict(tmp_path, 0, grace_s=60).evicted == 1
    assert not in_use.exists()


def test_a_lease_on_an_evicted_entry_is_refused(tmp_path: Path) -> None:
    gone = make_entry(tmp_path, "a", KB, time.time() - 3000)
    evict(tmp_path, 0, grace_s=60)
    assert lease(gone) is None


def test_an_entry_without_a_stamp_is_sized_and_dated_by_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "python" / ("d" * 64)
    folder.mkdir(parents=True)
    (folder / "main.py").write_bytes(b"y" * 3000)
    os.utime(folder, (time.time() - 5000, time.time() - 5000))
    (listed,) = compile_cache.list_entries(tmp_path)
    assert listed.size_bytes == 3000 and time.time() - listed.last_used > 4000
    stamp = compile_cache.stamp_of(folder).stat()
    assert stamp.st_size == 3000 and stamp.st_blocks == 0  # sparse: the size costs no disk


def test_scratch_and_other_folders_are_not_entries(tmp_path: Path) -> None:
    (tmp_path / "c" / ".abcdef-scratch").mkdir(parents=True)
    (tmp_path / "c" / "checker-box").mkdir()
    (tmp_path / ".evict.lock").touch()
    assert compile_cache.list_entries(tmp_path) == []


@contextmanager
def held_in_another_process(path: Path, lock: str) -> Iterator[None]:
    """`path` flocked (`lock`: "LOCK_EX" or "LOCK_SH") by another process until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys\n"
         f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
         f"fcntl.flock(fd, fcntl.{lock})\n"
         "print('held', flush=True)\n"
         "sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == b"held\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()


def test_a_second_evictor_steps_aside_while_one_runs(tmp_path: Path) -> None:
    old = make_entry(tmp_path, "a", KB, time.time() - 3000)
    with held_in_another_process(tmp_path / ".evict.lock", "LOCK_EX"):
        assert evict(tmp_path, 0, grace_s=60).ran is False
        assert old.exists()
    assert evict(tmp_path, 0, grace_s=60).evicted == 1


def test_a_lease_held_in_another_process_keeps_the_entry(tmp_path: Path) -> None:
    used = make_entry(tmp_path, "a", KB, time.time() - 3000)
    with held_in_another_process(compile_cache.stamp_of(used), "LOCK_SH"):
        assert evict(tmp_path, 0, grace_s=60).skipped_in_use == 1
        assert used.exists()
    assert evict(tmp_path, 0, grace_s=60).evicted == 1
