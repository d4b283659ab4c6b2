"""Host uids for sandboxed runs: one per run in flight, never two runs on one uid at once.

A run's processes belong to its leased uid outside the sandbox (inside it is
65534), never to the worker's, never root. One uid per concurrent run, as
isolate does with box ids, because RLIMIT_NPROC counts processes per uid:
with one shared uid, a fork bomb in one run would make an honest run beside
it fail to fork. The range sits above the distribution's dynamic ids and
below 65534 ("nobody").

A lease is an exclusive `flock` on a file per uid, so it holds across threads
and across worker processes on one host, and a worker that dies frees its
uids with its file descriptors.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

FIRST_UID = 61_000
POOL_SIZE = 64
LOCK_DIR = Path("/run/onelog-judge/uids")
RETRY_SECONDS = 0.005
SETPRIV = "/usr/bin/setpriv"


def setpriv_prefix(uid: int) -> list[str]:
    """`setpriv ... --`: exec'd first, it becomes `uid` (no other groups) and execs the rest.

    Instead of Popen's user=/group=, which make CPython fork (copying the
    worker's page tables) where it would otherwise vfork.
    """
    return [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]


class UidPool:
    """`lease()` blocks while every uid of the pool is in use, here or in another worker."""

    def __init__(
        self, first: int = FIRST_UID, size: int = POOL_SIZE, lock_dir: Path = LOCK_DIR
    ) -> None:
        if size < 1 or first < 1000 or first + size > 65_534:
            raise ValueError(f"uids {first}..{first + size - 1} are not an unprivileged range")
        self.first = first
        self.size = size
        self._lock_dir = lock_dir
        self._next = 0
        lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, int) and self.first <= uid < self.first + self.size

    @contextlib.contextmanager
    def lease(self) -> Iterator[int]:
        while True:
            # Round robin, not first free: the last run's pid 1 may linger a
            # moment as a zombie of the host's init, still counted in RLIMIT_NPROC.
            # (A race on _next between threads only changes where the scan starts.)
            start = self._next
            for offset in range(self.size):
                uid = self.first + (start + offset) % self.size
                fd = os.open(self._lock_dir / str(uid), os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                self._next = (start + offset + 1) % self.size
                try:
                    yield uid
                finally:
                    os.close(fd)  # releases the lock
                return
            time.sleep(RETRY_SECONDS)
