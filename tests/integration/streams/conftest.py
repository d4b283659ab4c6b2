from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import processes
from infra.settings import Settings
from onelog import platform
from tests.support.log import LogWriter


@pytest.fixture(scope="module")
def worker(infrastructure: Settings) -> Iterator[Settings]:
    """A real Faust worker process (exactly once) on the real broker."""
    name = platform.worker_name(1)
    started = processes.running_pid(infrastructure.state_dir, name) is None
    platform.start_worker(infrastructure, 1)
    yield infrastructure
    if started:
        processes.stop(infrastructure.state_dir, name)


@pytest.fixture(scope="module")
def writer(infrastructure: Settings) -> LogWriter:
    return LogWriter(infrastructure.kafka_bootstrap)
