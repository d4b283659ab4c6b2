"""One deciding stage on the batched engine, alone in a process of its own, so
a test can kill it (-9) mid-batch as a crash would and start it again.

    python -m tests.support.stage_process <module>:<STAGE> <worker id>

Settings come from ONELOG_* as for a worker; the worker id names the loop's
transactional id and static group member, so a process started again with
the same id fences what its killed predecessor left open and takes its
partitions back at once. SIGTERM stops the loop after its current batch. StageProcess is the test's
side: it starts, kills and stops such a process.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import signal
import subprocess
import sys
import threading
from types import FrameType

from infra.settings import Settings, settings
from streams.engine.loop import StageLoop
from streams.engine.stage import Stage


class StageProcess:
    """One stage in a child process, in one worker slot."""

    def __init__(self, on: Settings, where: str, worker_id: str) -> None:
        self.env = {**os.environ, "ONELOG_KAFKA_BOOTSTRAP": on.kafka_bootstrap}
        self.where, self.worker_id = where, worker_id
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [sys.executable, "-m", "tests.support.stage_process", self.where, self.worker_id]
        self.process = subprocess.Popen(argv, env=self.env)

    def kill(self) -> None:
        """SIGKILL, as a crash would: an open transaction is left open."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _stage(where: str) -> Stage:
    module, _, name = where.partition(":")
    stage = getattr(importlib.import_module(module), name)
    if not isinstance(stage, Stage):
        raise SystemExit(f"{where} is no Stage")
    return stage


def main(argv: list[str]) -> None:
    where, worker_id = argv
    loop = StageLoop(_stage(where), dataclasses.replace(settings(), worker_id=worker_id))

    def stop(signum: int, frame: FrameType | None) -> None:
        loop.stop()

    signal.signal(signal.SIGTERM, stop)
    thread = threading.Thread(target=loop.run, name=f"stage-{worker_id}")
    thread.start()
    while thread.is_alive():  # a join with a timeout lets SIGTERM's handler run
        thread.join(0.5)


if __name__ == "__main__":
    main(sys.argv[1:])
