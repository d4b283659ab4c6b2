"""The Faust service that runs the stage loops inside the worker.

`faust -A onelog.worker worker` starts it with the app, and stops it with
the app: each loop runs on a thread of its own, because confluent-kafka's
calls block; they release the GIL while they wait, so the loops and Faust's
event loop share the process.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from mode import Service

from infra.settings import settings
from streams.engine.loop import StageLoop
from streams.engine.stage import Stage

# How long a stopping worker waits for a loop to finish its batch and leave its group.
STOP_TIMEOUT_S = 30.0

_hosts: list[StageHost] = []


class StageHost(Service):
    def __init__(self, stages: Sequence[Stage], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loops = [StageLoop(stage, settings()) for stage in stages]
        self._threads: list[threading.Thread] = []
        _hosts.append(self)

    async def on_start(self) -> None:
        for loop in self.loops:
            thread = threading.Thread(target=loop.run, name=loop.stage.name, daemon=True)
            thread.start()
            self._threads.append(thread)

    async def on_stop(self) -> None:
        for loop in self.loops:
            loop.stop()
        for thread in self._threads:
            await asyncio.to_thread(thread.join, STOP_TIMEOUT_S)

    @property
    def ready(self) -> bool:
        """Every loop runs, with its partitions assigned and their states restored."""
        return bool(self._threads) and all(loop.status.ready for loop in self.loops)


def hosts() -> list[StageHost]:
    """Every StageHost this process built."""
    return list(_hosts)
