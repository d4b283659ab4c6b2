"""Load shedding: a bound on the records one gateway process awaits Kafka for.

An overloaded gateway must not answer 503 after producing (the record may be
on the log) nor let requests queue until they time out. Past the bound, a
write is refused before anything is produced: a 503 with Retry-After that
means exactly "not taken, try again".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from gateway.problems import Problem


class Backlog:
    """Contract: `holding(n)` holds n places while its block runs (the block
    produces n records and awaits their reports), or raises the 503 at once
    when fewer are free."""

    def __init__(self, limit: int, retry_after_s: int) -> None:
        self._limit = limit
        self._retry_after_s = retry_after_s
        self.pending = 0

    @contextlib.contextmanager
    def holding(self, records: int) -> Iterator[None]:
        if self.pending + records > self._limit:
            raise Problem(
                503,
                "overloaded",
                f"the gateway awaits Kafka for {self.pending} records already; nothing "
                "was produced, retry shortly",
                headers={"Retry-After": str(self._retry_after_s)},
            )
        self.pending += records
        try:
            yield
        finally:
            self.pending -= records
