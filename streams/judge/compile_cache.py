"""The compile cache's size bound: least-recently-used eviction, safe for entries in use.

Every worker and stack on the host shares one cache folder (`toolchain.py`),
so the bookkeeping lives in the folder itself, next to each entry:

    <cache>/<language>/<sha256>/        the entry (a run's /box)
    <cache>/<language>/<sha256>.used    its stamp: mtime = last use, length = the entry's size
    <cache>/.evict.lock                 held by the one process evicting at a time

In use: whoever is handed an entry holds a shared flock on its stamp
(`EntryLease`) until its runs end; an evictor takes the stamp's exclusive
flock without waiting and skips the entry if it cannot. A lock rather than a
grace period alone, because a submission's runs have no useful upper bound
on their length (many tests, each up to its wall clock), and a grace long
enough for the slowest would let the cache grow unbounded under load. A
grace period is kept as well (`grace_s`, an entry touched lately is never
evicted): it covers an entry between its publish and its first lease, and
processes of an older stack on the same host that use entries without a lease.

The stamp's length is its entry's size in bytes, as a sparse file (no data,
no blocks), so that one stat per entry tells an evictor both numbers: a
publish lists the whole cache, and 2,000 entries cost ~2,000 stats.

Two evictors: the second one sees `.evict.lock` held and returns; the first
brings the whole cache under the bound. An entry is evicted by renaming it to
a dot-name (runs that open it afresh miss it at once), unlinking its stamp,
and only then deleting the files. A reader that opened the stamp just before
finds, once it holds the lock, that the stamp it locked is no longer the one
at the path and treats the entry as missing (a compile).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

STAMP_SUFFIX = ".used"
EVICT_LOCK = ".evict.lock"
DEFAULT_GRACE_S = 300.0
KEY_LENGTH = 64  # sha256 hex: what `cache_key` names an entry


@dataclass(frozen=True)
class CacheEntry:
    # A string, not a Path: a publish lists every entry, and building thousands
    # of Paths cost more than the stats.
    path: str
    size_bytes: int
    last_used: float  # the stamp's mtime, seconds since the epoch


@dataclass(frozen=True)
class Eviction:
    """What one `evict` call did."""

    ran: bool  # False: another process was evicting, or no bound
    evicted: int
    freed_bytes: int
    total_bytes: int  # the cache's size after it
    skipped_in_use: int


def stamp_of(entry: Path) -> Path:
    return entry.with_name(entry.name + STAMP_SUFFIX)


def eviction_order(
    entries: Iterable[CacheEntry], *, now: float, grace_s: float
) -> list[CacheEntry]:
    """The entries that may be evicted, least recently used first: those
    untouched for at least `grace_s` (ties broken by path, so two evictors agree)."""
    idle = [e for e in entries if now - e.last_used >= grace_s]
    return sorted(idle, key=lambda e: (e.last_used, e.path))


def to_evict(
    entries: Iterable[CacheEntry], *, bound_bytes: int, now: float, grace_s: float
) -> list[CacheEntry]:
    """The least recently used idle entries whose removal brings the cache under
    `bound_bytes`, as far as idle entries allow (when every one is free to go)."""
    listed = list(entries)
    total = sum(e.size_bytes for e in listed)
    chosen: list[CacheEntry] = []
    for entry in eviction_order(listed, now=now, grace_s=grace_s):
        if total <= bound_bytes:
            break
        chosen.append(entry)
        total -= entry.size_bytes
    return chosen


class EntryLease:
    """A shared flock on an entry's stamp: while held, no evictor removes the entry.

    Released by `release()`, or when the lease is garbage-collected (the
    `Compiled` that carries it going out of scope at the end of an evaluation).
    """

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __del__(self) -> None:
        self.release()


def lease(entry: Path, size_bytes: int | None = None) -> EntryLease | None:
    """Hold `entry` against eviction and mark it used now; None if it is gone
    (evicted meanwhile: compile it again). `size_bytes` is written into a new stamp."""
    stamp = stamp_of(entry)
    fd = os.open(stamp, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if not _is_current(fd, stamp) or not entry.is_dir():
            os.close(fd)
            return None
        if os.fstat(fd).st_size == 0:
            # Every writer sets the same length, so concurrent writers agree.
            os.ftruncate(fd, size_bytes if size_bytes is not None else tree_size(entry))
        os.utime(fd)
        return EntryLease(fd)
    except BaseException:
        os.close(fd)
        raise


def tree_size(folder: Path) -> int:
    """Bytes of the files under `folder` (what the entry costs on disk, roughly)."""
    total = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except FileNotFoundError:
                continue
    return total


def list_entries(cache_dir: Path) -> list[CacheEntry]:
    """Every published entry with its size and last use; an entry without a
    stamp (published before stamps, or just now) gets one dated by its folder."""
    entries: list[CacheEntry] = []
    for entry in _entry_folders(cache_dir):
        stamp = entry + STAMP_SUFFIX
        try:
            info = os.stat(stamp)
        except FileNotFoundError:
            info = None
        if info is not None and info.st_size > 0:
            entries.append(CacheEntry(entry, info.st_size, info.st_mtime))
            continue
        try:
            made = os.stat(entry).st_mtime
        except FileNotFoundError:
            continue
        size = tree_size(Path(entry))
        _write_stamp(Path(stamp), size, made)
        entries.append(CacheEntry(entry, size, made))
    return entries


def evict(
    cache_dir: Path, bound_bytes: int, *, grace_s: float = DEFAULT_GRACE_S, now: float | None = None
) -> Eviction:
    """Evict least recently used entries until the cache holds at most
    `bound_bytes`, skipping entries in use or touched within `grace_s`."""
    lock_path = cache_dir / EVICT_LOCK
    try:
        lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError:
        return Eviction(False, 0, 0, 0, 0)
    try:
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return Eviction(False, 0, 0, 0, 0)  # the other evictor covers our publish too
        entries = list_entries(cache_dir)
        total = sum(e.size_bytes for e in entries)
        evicted = freed = skipped = 0
        clock = time.time() if now is None else now
        for entry in eviction_order(entries, now=clock, grace_s=grace_s):
            if total <= bound_bytes:
                break
            if _evict_one(entry, now=clock, grace_s=grace_s):
                evicted += 1
                freed += entry.size_bytes
                total -= entry.size_bytes
            else:
                skipped += 1
        return Eviction(True, evicted, freed, total, skipped)
    finally:
        os.close(lock_fd)


def _evict_one(entry: CacheEntry, *, now: float, grace_s: float) -> bool:
    folder = Path(entry.path)
    stamp = stamp_of(folder)
    try:
        fd = os.open(stamp, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # leased: a run is using it
        # Used between the listing and now: no longer the least recent.
        if not _is_current(fd, stamp) or now - os.fstat(fd).st_mtime < grace_s:
            return False
        trash = folder.with_name(f".evicted-{folder.name[:16]}-{uuid.uuid4().hex[:8]}")
        try:
            folder.rename(trash)
        except FileNotFoundError:
            return False
        stamp.unlink()
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def _entry_folders(cache_dir: Path) -> Iterator[str]:
    # Only `<language>/<sha256>`: scratch folders, evicted ones on their way
    # out and a custom checker's boxes are dot-named or named otherwise.
    try:
        languages = list(os.scandir(cache_dir))
    except FileNotFoundError:
        return
    for language in languages:
        if language.name.startswith(".") or not language.is_dir(follow_symlinks=False):
            continue
        with os.scandir(language.path) as items:
            for item in items:
                if len(item.name) == KEY_LENGTH and item.is_dir(follow_symlinks=False):
                    yield item.path


def _is_current(fd: int, stamp: Path) -> bool:
    """Whether the stamp `fd` locked is still the one at its path (not evicted meanwhile)."""
    try:
        return os.stat(stamp).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _write_stamp(stamp: Path, size_bytes: int, used_at: float) -> None:
    fd = os.open(stamp, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if os.fstat(fd).st_size == 0:
            os.ftruncate(fd, size_bytes)
            os.utime(fd, (used_at, used_at))
    finally:
        os.close(fd)
