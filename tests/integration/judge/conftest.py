"""Fixtures of the judge's integration tests: real bubblewrap, cgroups and
toolchains, and no Kafka or Redis.

A module that uses `sandbox` names its own uid range as UIDS = (first, count),
apart from every other module's, so that its checks see only its own runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain
from streams.judge.uids import UidPool


@pytest.fixture(autouse=True)
def _services() -> None:
    """Replaces tests/integration's: the judge needs neither Kafka nor Redis."""


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A sandbox on the module's UIDS, under a cgroup parent of its own,
    removed afterwards (a run left behind makes that fail)."""
    name = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    sb = Sandbox(
        uids=UidPool(*request.module.UIDS), cgroup_parent=f"onelog-judge-{name}-{os.getpid()}"
    )
    yield sb
    for parent in sb.cgroup_parents:
        parent.rmdir()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """Work dirs the runs' uids can walk to (pytest's tmp_path has a root-only
    parent). Removed afterwards; a mount left in one makes that fail."""
    folder = Path(tempfile.mkdtemp(prefix="onelog-judge-scratch-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def box(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


@pytest.fixture(scope="module")
def toolchain(sandbox: Sandbox) -> Iterator[Toolchain]:
    folder = Path(tempfile.mkdtemp(prefix="onelog-judge-toolchain-"))
    folder.chmod(0o755)  # the runs' uids must walk it
    yield Toolchain(sandbox, folder / "compile-cache")
    shutil.rmtree(folder, ignore_errors=True)


def live_processes_of(uids: range) -> list[tuple[int, str]]:
    """(pid, command) of live processes of these uids. Zombies run nothing: the
    sandbox's pid 1 is reaped by the host's init (not the worker's child), a
    moment later."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["Uid"].split()[1]) in uids and not fields["State"].strip().startswith("Z"):
            found.append((int(entry.name), fields["Name"].strip()))
    return found
