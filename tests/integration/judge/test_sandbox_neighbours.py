"""Two workers on one host share the judge's parent cgroup: starting one must
not kill the runs of the other (it sweeps only groups whose owner is dead)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.judge.limits import LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.uids import UidPool

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

PARENT = f"onelog-judge-neighbours-{os.getpid()}"


@pytest.fixture
def box() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="onelog-neighbours-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_new_sandbox_leaves_a_running_neighbour_alone(box: Path) -> None:
    first = Sandbox(uids=UidPool(63_450, 2), cgroup_parent=PARENT)
    results: list[RunResult] = []
    limits = Limits().lowered_to(LimitOverrides(wall_time_ms=8_000))
    running = threading.Thread(
        target=lambda: results.append(
            first.run(
                ["/bin/sh", "-c", "sleep 1.5; echo done"], workdir=box, stdin=b"", limits=limits
            )
        )
    )
    running.start()
    try:
        # The first run is inside its group by now; a second sandbox starts.
        threading.Event().wait(0.7)
        Sandbox(uids=UidPool(63_452, 2), cgroup_parent=PARENT)
    finally:
        running.join()
    (result,) = results
    assert (result.exit_code, result.signal, result.stdout) == (0, None, b"done\n")
    for parent in first.cgroup_parents:
        parent.rmdir()
