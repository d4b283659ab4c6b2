"""The problems the judge knows, read from `judge.problems`.

Problems change a few times a week, and a command names the revision the
gateway saw, so the judge keeps every revision in memory and reads the topic
again only when asked for one it has not seen yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from infra.log_reader import LogRecord, read_all
from schemas.codec import DecodeError
from schemas.judge import ProblemPublished
from schemas.judge.topics import JUDGE_PROBLEMS
from schemas.registry import registry

ReadLog = Callable[[], Iterable[LogRecord]]


class ProblemStore:
    def __init__(self, read_log: ReadLog) -> None:
        self._read_log = read_log
        self._revisions: dict[tuple[str, int], ProblemPublished] = {}
        self._lock = threading.Lock()

    @classmethod
    def on_kafka(cls, bootstrap: str) -> ProblemStore:
        return cls(lambda: read_all(bootstrap, [JUDGE_PROBLEMS.name]))

    def get(self, problem_id: str, revision: int) -> ProblemPublished | None:
        """That revision of the problem, reading the topic again if it is new to us."""
        with self._lock:
            found = self._revisions.get((problem_id, revision))
            if found is None:
                self._refresh()
                found = self._revisions.get((problem_id, revision))
            return found

    def _refresh(self) -> None:
        for problem in published_problems(self._read_log()):
            self._revisions[(problem.problem_id, problem.revision)] = problem


def published_problems(entries: Iterable[LogRecord]) -> Iterator[ProblemPublished]:
    """The problem revisions among records of `judge.problems`, in log order."""
    for entry in entries:
        try:
            record = registry().decode(entry.value)
        except DecodeError:
            continue  # the projector dead-letters it; the judge has no use for it
        if isinstance(record, ProblemPublished):
            yield record
