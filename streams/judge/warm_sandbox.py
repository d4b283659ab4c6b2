"""A warm sandbox per submission: Python started once, each test a fresh child with its own limits.

A cold test pays for a bubblewrap and a fresh `python3` importing the
harness's modules (~50-70 ms, docs/benchmarks.md), before the learner's code
runs for a few milliseconds. Here one submission gets one bubblewrap, on one
leased uid, holding a fork server (`warm_server.py`) that has started Python
and imported those modules once; each test is a child forked from it:

- its own process, session and rlimits (set in the child before it runs
  anything of the learner's); the server never runs learner code, so every
  test starts from the same untouched state, and nothing of a test outlives it;
- its own cgroup (memory and pids limits, peak memory, CPU time of its whole
  tree, OOM kills, kill-all), exactly as a cold run's: the child announces
  itself on a gate socket, the worker reads its host pid from the message's
  credentials (SO_PASSCRED translates it out of the sandbox's pid namespace),
  moves it into the test's group, and only then lets it run;
- its own stdin, and stdout/stderr pipes read here with the same cap;
- the same wall clock, CPU clock and output cap, each killing the test's group;
- /tmp, /dev/shm and System V IPC emptied by the server between tests.

One submission's server never serves another: the session lives inside one
`evaluate` call and ends with it. A session that breaks (its server gone,
the sandbox never built) hands the test, and the rest, to the cold path, which
tells the judge's failures from the learner's as it always has.

`RunResult` is built by the cold path's own accounting (`_Run._result`), so
verdicts read the same either way.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import resource
import selectors
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from streams.judge.bubblewrap import bwrap_argv
from streams.judge.cgroup import CgroupHost, RunGroup
from streams.judge.limits import Limits
from streams.judge.output import CappedStream
from streams.judge.rlimits import rlimits_for
from streams.judge.sandbox import (
    CPU_POLL_SECONDS,
    DRAIN_SECONDS,
    RunResult,
    Sandbox,
    _check_reachable,
    _check_startable,
    _child_pid,
    _fds,
    _memfd_with,
    _open_to,
    _Run,
    _wait_for_exit,
)
from streams.judge.uids import setpriv_prefix

PYTHON = "/usr/bin/python3"
SERVER_SOURCE = (Path(__file__).parent / "warm_server.py").read_text(encoding="utf-8")
# Off switch (benchmarks compare both paths): ONELOG_JUDGE_WARM=0.
WARM_ENV = "ONELOG_JUDGE_WARM"
# The server is one more process of the test's uid than a cold run has.
SERVER_PROCESSES = 1
# How long the server may take to start and answer its first request.
START_SECONDS = 10.0
CREDENTIALS = struct.calcsize("3i")

RunTest = Callable[[bytes, Limits], RunResult]


class _ServerGone(Exception):
    """The fork server hung up or never started: the cold path takes over."""


def servable(argv: Sequence[str]) -> bool:
    """Whether the fork server can run `argv`: Debian's python3 with -B on a script."""
    return len(argv) >= 3 and argv[0] == PYTHON and argv[1] == "-B" and argv[2].endswith(".py")


def warm_enabled() -> bool:
    return os.environ.get(WARM_ENV, "1") != "0"


@contextlib.contextmanager
def submission_runs(
    sandbox: Sandbox,
    argv: Sequence[str],
    *,
    workdir: Path,
    read_only: Sequence[Path],
    limits: Limits,
) -> Iterator[RunTest]:
    """How one submission's tests run: `run(stdin, limits)`, warm where possible, else cold.

    Warm needs a servable argv, root (a uid of its own) and cgroups (each
    test's accounting and kill-all); `workdir` is read-only to the runs.
    """

    def cold(stdin: bytes, test_limits: Limits) -> RunResult:
        return sandbox.run(
            argv,
            workdir=workdir,
            stdin=stdin,
            limits=test_limits,
            read_only=read_only,
            writable_workdir=False,
        )

    cgroups = sandbox.cgroup_host
    if not (servable(argv) and warm_enabled() and sandbox.uids and cgroups):
        yield cold
        return
    with WarmSession(sandbox, cgroups, argv, workdir, read_only, limits, cold) as session:
        yield session.run


class WarmSession:
    """One submission's fork server; `run` one test at a time, from one thread."""

    def __init__(
        self,
        sandbox: Sandbox,
        cgroups: CgroupHost,
        argv: Sequence[str],
        workdir: Path,
        read_only: Sequence[Path],
        limits: Limits,
        cold: RunTest,
    ) -> None:
        self._sandbox, self._cgroups = sandbox, cgroups
        self._argv, self._workdir, self._read_only = argv, workdir, read_only
        self._limits, self._cold = limits, cold
        self._stack = contextlib.ExitStack()
        self._control: socket.socket | None = None
        self._launcher: subprocess.Popen[bytes] | None = None
        self._pid1: int | None = None  # pidfd of the sandbox's pid 1
        self._broken = False

    def __enter__(self) -> WarmSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, stdin: bytes, limits: Limits) -> RunResult:
        if not self._broken:
            try:
                if self._control is None:
                    self._start()
                return self._run_warm(stdin, limits)
            except _ServerGone:
                self._broken = True
                self.close()
        return self._cold(stdin, limits)

    # --- the server --------------------------------------------------------

    def _start(self) -> None:
        argv, workdir, read_only = self._argv, self._workdir, self._read_only
        _check_startable(argv[0], workdir, read_only)
        _check_reachable((workdir, *read_only))
        assert self._sandbox.uids is not None
        uid = self._stack.enter_context(self._sandbox.uids.lease())
        _open_to(workdir, uid, writable=False)
        control, server_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._control = control
        with _fds() as fds:
            block_r, block_w = (fds.add(fd) for fd in os.pipe())
            info_r, info_w = (fds.add(fd) for fd in os.pipe())
            command = [
                *setpriv_prefix(uid),
                *bwrap_argv(
                    workdir=workdir,
                    writable_workdir=False,
                    read_only=read_only,
                    tmp_size_kb=self._limits.memory_kb,
                    block_fd=block_r,
                    info_fd=info_w,
                ),
                PYTHON, "-B", "-c", SERVER_SOURCE, str(server_end.fileno()), *argv[2:],
            ]  # fmt: skip
            self._launcher = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(block_r, info_w, server_end.fileno()),
                start_new_session=True,  # its own process group, to kill it whole
                env={},
                cwd="/",
                umask=0o022,  # the uid is setpriv's to set: vfork, not fork (uids.py)
            )
            server_end.close()
            for fd in (block_r, info_w):
                fds.close(fd)
            child_pid = _child_pid(info_r, time.monotonic() + START_SECONDS)
            if child_pid is None:
                raise _ServerGone("bubblewrap did not start")
            with contextlib.suppress(ProcessLookupError):
                self._pid1 = os.pidfd_open(child_pid)
            try:
                os.write(block_w, b"g")
            except BrokenPipeError as error:
                raise _ServerGone("bubblewrap died building the sandbox") from error

    def close(self) -> None:
        """End the sandbox: the server, pid 1 and anything left; then the uid is free again."""
        if self._control is not None:
            self._control.close()
        if self._launcher is not None:
            # Nothing in the sandbox has anything left to finish: no waiting for a
            # polite exit (the verdict waits for this). pid 1 dies with the
            # launcher (--die-with-parent), and the pid namespace with pid 1.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._launcher.pid, signal.SIGKILL)
            self._launcher.wait()
            self._launcher = None
        if self._pid1 is not None:
            _wait_for_exit(self._pid1)
            os.close(self._pid1)
            self._pid1 = None
        self._stack.close()

    # --- one test ------------------------------------------------------------

    def _run_warm(self, stdin: bytes, limits: Limits) -> RunResult:
        group = self._cgroups.create(limits, processes=limits.processes)
        try:
            return _WarmTest(limits, group, self._control_socket()).execute(stdin)
        finally:
            group.remove()

    def _control_socket(self) -> socket.socket:
        assert self._control is not None
        return self._control


class _WarmTest:
    """One test through the server: hand it the fds, admit the child, watch, account."""

    def __init__(self, limits: Limits, group: RunGroup, control: socket.socket) -> None:
        self.run = _Run(limits, group)  # the cold path's accounting, with our status
        self.limits, self.group, self.control = limits, group, control
        self.admitted = False

    def execute(self, stdin: bytes) -> RunResult:
        limits = self.limits
        cap = limits.output_kb * 1024
        with _fds() as fds:
            stdin_fd = fds.add(_memfd_with(stdin))
            out_r, out_w = (fds.add(fd) for fd in os.pipe())
            err_r, err_w = (fds.add(fd) for fd in os.pipe())
            gate, gate_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            with gate, gate_child:
                gate.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
                request = json.dumps({"rlimits": _child_rlimits(limits)}).encode()
                handed = array.array("i", [stdin_fd, out_w, err_w, gate_child.fileno()])
                started = time.monotonic()
                try:
                    self.control.sendmsg(
                        [request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, handed.tobytes())]
                    )
                except OSError as error:
                    raise _ServerGone("the fork server hung up") from error
                for fd in (stdin_fd, out_w, err_w):
                    fds.close(fd)
                gate_child.close()
                out = CappedStream(os.dup(out_r), cap)
                err = CappedStream(os.dup(err_r), cap)
                for fd in (out_r, err_r):
                    fds.close(fd)
                try:
                    self._watch(gate, out, err, started + limits.wall_time_ms / 1000)
                finally:
                    out.close()
                    err.close()
        wall_ms = int((time.monotonic() - started) * 1000)
        return self.run._result(out, err, wall_ms, None, started)

    def _watch(
        self, gate: socket.socket, out: CappedStream, err: CappedStream, deadline: float
    ) -> None:
        """Until the server reports the child and both pipes are at EOF, or a limit kills it."""
        run = self.run
        selector = selectors.DefaultSelector()
        try:
            selector.register(self.control, selectors.EVENT_READ, "status")
            selector.register(gate, selectors.EVENT_READ, "gate")
            for stream in (out, err):
                selector.register(stream.fd, selectors.EVENT_READ, stream)
            drain_until: float | None = None
            while True:
                now = time.monotonic()
                if run.status is None and now >= deadline:
                    self._kill("wall", gate, selector)
                if run.status is None and self.admitted:
                    cpu = self.group.cpu_time_ms()
                    if cpu is not None and cpu >= self.limits.cpu_time_ms:
                        self._kill("cpu", gate, selector)
                if run.status is not None and out.closed and err.closed:
                    return
                if drain_until is not None and now >= drain_until:
                    return
                timeout = max(0.0, min(deadline - now, CPU_POLL_SECONDS))
                if run.killed_for is not None:
                    timeout = CPU_POLL_SECONDS
                if run.status is not None:
                    timeout = max(0.0, (drain_until or now) - now)
                for key, _ in selector.select(timeout):
                    if key.data == "gate":
                        selector.unregister(gate)
                        self._admit(gate)
                    elif key.data == "status":
                        selector.unregister(self.control)
                        self._status()
                        # Whatever the child left running goes now; its pipes then close.
                        self.group.kill()
                        drain_until = time.monotonic() + DRAIN_SECONDS
                    else:
                        ready: CappedStream = key.data
                        ready.read_ready()
                        if ready.closed:
                            selector.unregister(key.fd)
                        if ready.overflowed and run.status is None:
                            self._kill("output", gate, selector)
        finally:
            selector.close()

    def _admit(self, gate: socket.socket) -> None:
        """Move the announced child into the test's group, then let it run."""
        _, ancillary, _, _ = gate.recvmsg(1, socket.CMSG_SPACE(CREDENTIALS))
        pid = None
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid, _, _ = struct.unpack("3i", data[:CREDENTIALS])
        if pid is None:  # gone before it announced itself: the status tells how
            return
        with contextlib.suppress(ProcessLookupError):
            self.group.attach(pid)
        self.admitted = True
        with contextlib.suppress(OSError):
            gate.send(b"g")

    def _status(self) -> None:
        report = self.control.recv(4096)
        if not report:
            raise _ServerGone("the fork server died during a test")
        status, cpu_ms, peak_kb = json.loads(report)
        self.run.status = status
        self.run.rusage = resource.struct_rusage((cpu_ms / 1000, 0.0, peak_kb, *(0,) * 13))

    def _kill(self, reason: str, gate: socket.socket, selector: selectors.BaseSelector) -> None:
        if self.run.killed_for is None:
            self.run.killed_for = reason
        self.group.kill()
        if not self.admitted:
            # Not in the group yet: closing the gate makes it give up before running anything.
            with contextlib.suppress(KeyError):
                selector.unregister(gate)
            gate.shutdown(socket.SHUT_RDWR)


def _child_rlimits(limits: Limits) -> list[list[int]]:
    """The test child's setrlimit calls: a cold run's, with room for the server's process."""
    table = rlimits_for(limits, memory_cgroup=True)
    soft, hard = table["nproc"]
    table["nproc"] = (soft + SERVER_PROCESSES, hard + SERVER_PROCESSES)
    return [
        [getattr(resource, f"RLIMIT_{name.upper()}"), soft, hard]
        for name, (soft, hard) in table.items()
    ]
