"""Control groups for sandboxed runs: memory and pids limits, and what a run used.

One group per run, under a parent made once per worker (`onelog-judge`,
beside the worker's own group), so a run's memory, CPU time and processes
are counted whole however many processes it forks, and a run can be killed
whole. Both hierarchies are supported:

- v1 (this host): memory, pids and, when mounted, cpuacct are separate trees;
  the run's group is one directory in each.
- v2: one directory, with memory and pids enabled in the parent's subtree.

`CgroupHost.detect()` returns None where no group can be made (no
cgroupfs, not root, v2 without delegated controllers); the sandbox then
relies on rlimits alone and says so once in the log.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from streams.judge.limits import Limits

ROOT = Path("/sys/fs/cgroup")
PARENT = "onelog-judge"
# How long a run's processes may take to die after SIGKILL before the group
# is reported as stuck (a process in uninterruptible sleep on a slow disk).
DRAIN_SECONDS = 5.0


@dataclass(frozen=True)
class GroupUsage:
    peak_memory_kb: int
    cpu_time_ms: int | None  # None where the hierarchy has no CPU accounting
    oom_killed: bool


class RunGroup(Protocol):
    """The group of one run. Thread-confined: one run, one thread."""

    def attach(self, pid: int) -> None: ...
    def cpu_time_ms(self) -> int | None: ...
    def usage(self) -> GroupUsage: ...
    def kill(self) -> None: ...
    def remove(self) -> None:
        """Kill whatever still runs in the group, wait until it is empty, delete it."""


class CgroupHost(Protocol):
    version: str

    @property
    def parents(self) -> list[Path]:
        """The directories runs' groups are made in (one per v1 controller)."""

    def create(self, limits: Limits, *, processes: int) -> RunGroup: ...


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _read_int(path: Path) -> int:
    return int(path.read_text().split()[0])


def _keyed(path: Path) -> dict[str, int]:
    """`key value` lines (memory.events, cpu.stat, memory.oom_control)."""
    pairs = (line.split() for line in path.read_text().splitlines())
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2}


def _pids(group: Path) -> list[int]:
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except FileNotFoundError:
        return []


def _kill_members(group: Path) -> None:
    for pid in _pids(group):
        # Already gone: fine. A pid in cgroup.procs is a member, so it cannot
        # have been reused by a process outside between the read and the kill
        # unless it died in that instant, and then it is not ours to spare.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _drain_and_remove(groups: list[Path], kill: bool = True) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    for group in groups:
        while True:
            if kill:
                _kill_members(group)
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError as e:
                # EBUSY: members still dying (zombies are members until reaped).
                if e.errno != errno.EBUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.002)


def _own_group(controller: str) -> str:
    """This process's group in the hierarchy that holds `controller` ('' for v2)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path.lstrip("/")
    return ""


def _run_name() -> str:
    # The creating process's pid in the name: another process sweeping stale
    # groups must leave the groups of a live one alone.
    return f"run-{os.getpid()}-{uuid.uuid4().hex[:16]}"


def _owner_alive(group: Path) -> bool:
    parts = group.name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False  # named before groups carried their owner: stale
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_parent(directory: Path, name: str) -> Path:
    parent = directory / name
    parent.mkdir(exist_ok=True)
    # Groups of runs a crashed worker left behind: empty ones go now. A
    # non-empty one still holds a process of a dead run, which is killed.
    # Groups of live processes (other workers, this one) are theirs.
    for stale in parent.glob("run-*"):
        if _owner_alive(stale):
            continue
        with contextlib.suppress(OSError):
            _drain_and_remove([stale])
    return parent


# --- v1 -----------------------------------------------------------------------


class V1Group:
    def __init__(self, memory: Path, pids: Path, cpuacct: Path | None) -> None:
        self.memory, self.pids, self.cpuacct = memory, pids, cpuacct
        self._dirs = [d for d in (memory, pids, cpuacct) if d is not None]

    def attach(self, pid: int) -> None:
        for d in self._dirs:
            _write(d / "cgroup.procs", str(pid))

    def cpu_time_ms(self) -> int | None:
        if self.cpuacct is None:
            return None
        return _read_int(self.cpuacct / "cpuacct.usage") // 1_000_000

    def usage(self) -> GroupUsage:
        return GroupUsage(
            peak_memory_kb=_read_int(self.memory / "memory.max_usage_in_bytes") // 1024,
            cpu_time_ms=self.cpu_time_ms(),
            oom_killed=_keyed(self.memory / "memory.oom_control").get("oom_kill", 0) > 0,
        )

    def kill(self) -> None:
        # v1 has no cgroup.kill; pids is the tree every process of the run is in.
        _kill_members(self.pids)

    def remove(self) -> None:
        _drain_and_remove(self._dirs)


class V1Host:
    version = "v1"

    def __init__(self, memory: Path, pids: Path, cpuacct: Path | None) -> None:
        self._memory, self._pids, self._cpuacct = memory, pids, cpuacct

    @property
    def parents(self) -> list[Path]:
        return [p for p in (self._memory, self._pids, self._cpuacct) if p is not None]

    @classmethod
    def detect(cls, root: Path = ROOT, parent: str = PARENT) -> V1Host | None:
        if not (root / "memory" / "cgroup.procs").exists():
            return None
        if not (root / "pids" / "cgroup.procs").exists():
            return None
        cpuacct: Path | None = None
        if (root / "cpuacct" / "cgroup.procs").exists():
            cpuacct = _make_parent(root / "cpuacct" / _own_group("cpuacct"), parent)
        return cls(
            memory=_make_parent(root / "memory" / _own_group("memory"), parent),
            pids=_make_parent(root / "pids" / _own_group("pids"), parent),
            cpuacct=cpuacct,
        )

    def create(self, limits: Limits, *, processes: int) -> V1Group:
        name = _run_name()
        made: list[Path] = []
        try:
            memory = self._memory / name
            memory.mkdir()
            made.append(memory)
            limit = str(limits.memory_kb * 1024)
            _write(memory / "memory.limit_in_bytes", limit)
            # Memory plus swap, where swap accounting is on: swapping out
            # must not let a run hold more than its limit.
            with contextlib.suppress(FileNotFoundError, PermissionError):
                _write(memory / "memory.memsw.limit_in_bytes", limit)
            pids = self._pids / name
            pids.mkdir()
            made.append(pids)
            _write(pids / "pids.max", str(processes))
            cpuacct = None
            if self._cpuacct is not None:
                cpuacct = self._cpuacct / name
                cpuacct.mkdir()
                made.append(cpuacct)
            return V1Group(memory, pids, cpuacct)
        except BaseException:
            _drain_and_remove(made, kill=False)
            raise


# --- v2 -----------------------------------------------------------------------


class V2Group:
    def __init__(self, path: Path) -> None:
        self.path = path

    def attach(self, pid: int) -> None:
        _write(self.path / "cgroup.procs", str(pid))

    def cpu_time_ms(self) -> int | None:
        return _keyed(self.path / "cpu.stat")["usage_usec"] // 1000

    def usage(self) -> GroupUsage:
        peak = self.path / "memory.peak"  # Linux 5.19+
        current = self.path / "memory.current"
        return GroupUsage(
            peak_memory_kb=_read_int(peak if peak.exists() else current) // 1024,
            cpu_time_ms=self.cpu_time_ms(),
            oom_killed=_keyed(self.path / "memory.events").get("oom_kill", 0) > 0,
        )

    def kill(self) -> None:
        kill_file = self.path / "cgroup.kill"  # Linux 5.14+
        if kill_file.exists():
            _write(kill_file, "1")
        else:
            _kill_members(self.path)

    def remove(self) -> None:
        self.kill()
        _drain_and_remove([self.path])


class V2Host:
    version = "v2"

    def __init__(self, parent: Path) -> None:
        self._parent = parent

    @property
    def parents(self) -> list[Path]:
        return [self._parent]

    @classmethod
    def detect(cls, root: Path = ROOT, parent: str = PARENT) -> V2Host | None:
        if not (root / "cgroup.controllers").exists():
            return None
        # The worker's own group first; if it holds processes, v2's "no
        # internal processes" rule forbids enabling controllers below it, so
        # fall back to the root of the hierarchy.
        for base in (root / _own_group(""), root):
            try:
                _write(base / "cgroup.subtree_control", "+memory +pids")
                made = _make_parent(base, parent)
                _write(made / "cgroup.subtree_control", "+memory +pids")
                return cls(made)
            except OSError:
                continue
        return None

    def create(self, limits: Limits, *, processes: int) -> V2Group:
        path = self._parent / _run_name()
        path.mkdir()
        try:
            _write(path / "memory.max", str(limits.memory_kb * 1024))
            with contextlib.suppress(FileNotFoundError):
                _write(path / "memory.swap.max", "0")
            _write(path / "pids.max", str(processes))
            return V2Group(path)
        except BaseException:
            _drain_and_remove([path], kill=False)
            raise


def detect_host(root: Path = ROOT, parent: str = PARENT) -> CgroupHost | None:
    """Where runs' groups go (under `parent`, made if need be), or None where none can be made."""
    if os.geteuid() != 0:
        return None
    for detect in (V2Host.detect, V1Host.detect):
        try:
            host: CgroupHost | None = detect(root, parent)
        except OSError:
            host = None
        if host is not None:
            return host
    return None
