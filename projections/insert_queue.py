"""ClickHouse inserts on a thread of their own, so they never hold up Redis.

An insert of a large block takes a second or more (a merge may run at the
same time); the projector's Redis path must not wait for it, and a rebuild
must keep reading while the last block goes in. Jobs run one at a time, in
the order given; each may carry a token (say, the log positions its rows
reach) that `finished` hands back once the job and every job before it are
done, so the caller commits only what is durable. A failed job stops the
queue: its error is raised to the caller, and no later token is handed back.

The engine's insert releases the GIL while ClickHouse works, so the thread
costs the Python loop little.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

Job = Callable[[], None]


class InsertsFailed(RuntimeError):
    """A background insert failed; the cause is chained."""


class InsertQueue(Generic[T]):
    def __init__(self, name: str, max_pending: int = 4, wait_s: float = 600.0) -> None:
        """`max_pending` jobs may wait; `put` waits at most `wait_s` for room."""
        self._jobs: queue.Queue[tuple[Job, T | None] | None] = queue.Queue(max_pending)
        self._done: list[T] = []
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._wait_s = wait_s
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, job: Job, token: T | None = None) -> None:
        """Queue `job`; waits (bounded) while the queue is full."""
        self._raise_if_failed()
        try:
            self._jobs.put((job, token), timeout=self._wait_s)
        except queue.Full:
            raise InsertsFailed(f"ClickHouse took more than {self._wait_s:g} s") from None

    def finished(self) -> list[T]:
        """Tokens of the jobs done since last asked, in order; raises if a job failed."""
        self._raise_if_failed()
        with self._lock:
            done, self._done = self._done, []
        return done

    def close(self) -> list[T]:
        """Run every queued job (bounded wait), stop the thread, and return
        the tokens not yet handed back; raises if a job failed."""
        if self._thread.is_alive():
            try:
                self._jobs.put(None, timeout=self._wait_s)
            except queue.Full:
                raise InsertsFailed(f"ClickHouse took more than {self._wait_s:g} s") from None
            self._thread.join(self._wait_s)
            if self._thread.is_alive():
                raise InsertsFailed(f"ClickHouse took more than {self._wait_s:g} s")
        return self.finished()

    def close_quietly(self) -> None:
        """`close` for the way out of a failure: its own error not raised."""
        with contextlib.suppress(InsertsFailed):
            self.close()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise InsertsFailed(f"a ClickHouse insert failed: {self._error}") from self._error

    def _run(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, token = item
            if self._error is not None:
                continue  # after a failure nothing more runs; close() still returns
            try:
                job()
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
                continue
            if token is not None:
                with self._lock:
                    self._done.append(token)
