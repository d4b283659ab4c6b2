"""The judge's port for live progress: "running test k of n" to a watching learner.

Progress is a courtesy, not a fact: nothing on the log records it, replay
never rebuilds it, and the verdict that follows supersedes it. The agent only
calls the port; the worker's composition (onelog/worker.py) plugs in the
writer that reaches the learner (projections/judge/live_progress.py, Redis),
so streams/ knows nothing of the read side.
"""

from __future__ import annotations

from typing import Protocol


class LiveProgress(Protocol):
    def __call__(self, submission_id: str, test: int, total: int, /) -> None:
        """Submission `submission_id` is running test `test` (1-based) of
        `total`. Called from an evaluation's worker thread, once per test, in
        order; it should return quickly. It may raise: the runner logs the
        failure and judges on."""


class LiveProgressSlot:
    """The agent's end of the port, built with the agent: it passes each call
    to the writer plugged in by the composition, and drops it before one is."""

    def __init__(self) -> None:
        self._writer: LiveProgress | None = None

    def plug(self, writer: LiveProgress) -> None:
        self._writer = writer

    def __call__(self, submission_id: str, test: int, total: int, /) -> None:
        if self._writer is not None:
            self._writer(submission_id, test, total)
