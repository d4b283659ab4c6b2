"""One deciding stage on the batched engine, alone in a process of its own, so
a test can kill it (-9) mid-batch as a crash would and start it again.

    python -m tests.support.stage_process <module>:<STAGE> <worker id>

Settings come from ONELOG_* as for a worker; the worker id names the loop's
transactional id and static group member, so a process started again with
the same id fences what its killed predecessor left open and takes its
partitions back at once. SIGTERM stops the loop after its current batch.
"""

from __future__ import annotations

import dataclasses
import importlib
import signal
import sys
import threading
from types import FrameType

from infra.settings import settings
from streams.engine.loop import StageLoop
from streams.engine.stage import Stage


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
