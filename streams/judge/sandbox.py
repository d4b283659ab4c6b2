"""Running untrusted code: one bubblewrap sandbox per run, with limits, and a result.

The layers of one run, outermost first:

1. a host uid of its own (`uids.py`), never root and never the worker's;
2. a cgroup of its own where the host allows one (`cgroup.py`): memory and
   pids limits, peak memory, CPU time of the whole tree, OOM kills;
3. rlimits (`rlimits.py`): CPU, file size, open files, processes, and memory
   where no cgroup decides;
4. bubblewrap namespaces (`bubblewrap.py`): no network, own pid/ipc/uts/mount/
   user/cgroup namespaces, only toolchains and the work dir visible, a
   clean environment;
5. here: a wall clock, a CPU clock over the whole group, and an output cap,
   each of which kills the whole run.

Contract of `Sandbox.run`: blocking and thread-safe (the agent calls it via
`asyncio.to_thread`, several at once); when it returns or raises, nothing of
the run is left running and its cgroup is gone. A sandbox that cannot start
(a missing work dir, toolchain path or program; bubblewrap failing to build
the sandbox) raises `SandboxError`, which is the judge's internal error, never
the learner's. Which it is comes from what we checked and from bubblewrap's
handshake, never from the run's stderr, which the learner writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import resource
import select
import selectors
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from streams.judge.bubblewrap import bwrap_argv, find_program
from streams.judge.cgroup import PARENT, CgroupHost, RunGroup, detect_host
from streams.judge.judge_dir import unsearchable_folder
from streams.judge.limits import Limits
from streams.judge.output import CappedStream
from streams.judge.rlimits import prlimit_prefix
from streams.judge.uids import UidPool, setpriv_prefix

log = logging.getLogger(__name__)

# How often the whole group's CPU time is checked against the limit:
# RLIMIT_CPU only sees one process, a run may spread its CPU over many.
CPU_POLL_SECONDS = 0.05
# After the run's processes are gone, how long its pipes may take to report EOF.
DRAIN_SECONDS = 1.0
# How close to its memory limit a failed run's cgroup peak must have come for
# the failure to be the limit's (the kernel failed a charge and reclaimed; the
# runtime then failed an allocation): within 1%, and at least 1 MB.
LIMIT_REACHED_MARGIN = (0.01, 1024)
# Where no memory cgroup decides, a failed allocation is how Memory Limit
# Exceeded shows: these are what the common runtimes print when one fails.
# Only then: the run's stderr is the learner's to write, so with a cgroup its
# evidence alone decides.
ALLOCATION_FAILURES = (
    b"MemoryError",
    b"std::bad_alloc",
    b"java.lang.OutOfMemoryError",
    b"JavaScript heap out of memory",
    b"runtime: out of memory",
    b"Cannot allocate memory",
)


class SandboxError(RuntimeError):
    """The sandbox itself failed (bad options, no bubblewrap): not the run's fault."""


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None when killed by a signal
    signal: int | None
    cpu_time_ms: int
    wall_time_ms: int
    memory_kb: int  # peak (cgroup max usage, or ru_maxrss without a cgroup)
    stdout: bytes  # at most limits.output_kb
    stderr: bytes
    output_truncated: bool  # more output than output_kb was produced (the run was killed)
    cpu_limit_hit: bool
    wall_limit_hit: bool
    # With a memory cgroup: its OOM kill, or a failed run that took the group
    # to its limit. Without one: a failed run whose stderr shows a failed allocation.
    memory_limit_hit: bool
    file_size_limit_hit: bool  # SIGXFSZ, or a file written up to the limit and a failed run


class Sandbox:
    """Runs argv in a fresh sandbox per call. One per worker; `run` is thread-safe."""

    # Until __init__ sets them; a stand-in that skips it (a test's fake) has
    # neither, so the warm path (warm_sandbox.py) leaves it to its own `run`.
    uids: UidPool | None = None
    _cgroups: CgroupHost | None = None

    def __init__(
        self,
        *,
        uids: UidPool | None = None,
        use_cgroups: bool = True,
        cgroup_parent: str = PARENT,
    ) -> None:
        self._as_root = os.geteuid() == 0
        self.uids = uids if uids is not None else UidPool() if self._as_root else None
        self._cgroups: CgroupHost | None = None
        if use_cgroups:
            self._cgroups = detect_host(parent=cgroup_parent)
        if self._cgroups is None:
            log.warning(
                "judge sandbox: no cgroup can be created here; memory, CPU and process "
                "limits are per-process rlimits only, peak memory is ru_maxrss"
            )
        if not self._as_root:
            log.warning(
                "judge sandbox: not root, so runs keep the worker's uid (uid %d)", os.geteuid()
            )

    @property
    def cgroup_version(self) -> str | None:
        """'v1', 'v2', or None when runs are limited by rlimits alone."""
        return self._cgroups.version if self._cgroups else None

    @property
    def cgroup_host(self) -> CgroupHost | None:
        """Where runs' groups are made (the warm path makes one per test too); None without."""
        return self._cgroups

    @property
    def cgroup_parents(self) -> list[Path]:
        """Where runs' groups are made; each is empty again when no run is in flight."""
        return self._cgroups.parents if self._cgroups else []

    def run(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        stdin: bytes,
        limits: Limits,
        read_only: Sequence[Path] = (),
        writable_workdir: bool = True,
    ) -> RunResult:
        """Run `argv` in `/box` (= `workdir`) with `stdin`; block until it ends or is killed.

        The run's uid must be able to walk to `workdir` and the `read_only`
        paths: every directory above them searchable by others (pytest's
        `tmp_path` is not: its parent is root's alone; nor is a checkout in
        /root). `workdir` itself is opened to the run here.
        """
        if not argv:
            raise ValueError("nothing to run")
        _check_startable(argv[0], workdir, read_only)
        if self._as_root:
            _check_reachable((workdir, *read_only))
        with self.uids.lease() if self.uids else contextlib.nullcontext(None) as uid:
            group: RunGroup | None = None
            if self._cgroups is not None:
                # + 1: bubblewrap's pid 1, the reaper, is in the group too.
                group = self._cgroups.create(limits, processes=limits.processes + 1)
            try:
                if uid is not None:
                    _open_to(workdir, uid, writable=writable_workdir)
                run = _Run(limits, group)
                return run.execute(
                    argv,
                    workdir=workdir,
                    stdin=stdin,
                    read_only=read_only,
                    writable_workdir=writable_workdir,
                    uid=uid,
                )
            finally:
                if group is not None:
                    group.remove()


class _Run:
    """One execution: spawn, watch, kill if need be, account. Confined to one thread."""

    def __init__(self, limits: Limits, group: RunGroup | None) -> None:
        self.limits = limits
        self.group = group
        self.killed_for: str | None = None  # "wall", "cpu" or "output"
        self.status: int | None = None  # wait status of bubblewrap's launcher
        self.rusage: resource.struct_rusage | None = None
        self.pid1: int | None = None  # pidfd of the sandbox's pid 1

    def execute(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        stdin: bytes,
        read_only: Sequence[Path],
        writable_workdir: bool,
        uid: int | None,
    ) -> RunResult:
        limits = self.limits
        with _fds() as fds:
            stdin_fd = fds.add(_memfd_with(stdin))
            block_r, block_w = (fds.add(fd) for fd in os.pipe())
            info_r, info_w = (fds.add(fd) for fd in os.pipe())
            command = [
                *([] if uid is None else setpriv_prefix(uid)),
                *prlimit_prefix(limits, memory_cgroup=self.group is not None),
                *bwrap_argv(
                    workdir=workdir,
                    writable_workdir=writable_workdir,
                    read_only=read_only,
                    tmp_size_kb=limits.memory_kb,
                    block_fd=block_r,
                    info_fd=info_w,
                ),
                *argv,
            ]
            started = time.monotonic()
            deadline = started + limits.wall_time_ms / 1000
            proc = subprocess.Popen(
                command,
                stdin=stdin_fd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(block_r, info_w),
                start_new_session=True,  # its own process group, to kill it whole
                env={},
                cwd="/",
                umask=0o022,
                # No user=/group=: with them CPython forks instead of vforking,
                # copying the page tables of the whole worker for every run
                # (~120 ms at 400 MB). setpriv, exec'd first, drops to the uid.
            )
            assert proc.stdout is not None and proc.stderr is not None
            cap = limits.output_kb * 1024
            out = CappedStream(os.dup(proc.stdout.fileno()), cap)
            err = CappedStream(os.dup(proc.stderr.fileno()), cap)
            proc.stdout.close()
            proc.stderr.close()
            try:
                for fd in (stdin_fd, block_r, info_w):
                    fds.close(fd)
                child_pid = _child_pid(info_r, deadline)
                fds.close(info_r)
                if child_pid is not None:
                    # bubblewrap's launcher exits as soon as pid 1 reports the
                    # run's status, before pid 1 has torn the namespace down:
                    # the run is over only when pid 1 is gone too.
                    with contextlib.suppress(ProcessLookupError):
                        self.pid1 = fds.add(os.pidfd_open(child_pid))
                if child_pid is not None and self.group is not None:
                    # The sandbox's pid 1, before the run's first instruction:
                    # everything the run forks is born in the group. Not the
                    # launcher outside, which runs nothing of the run's: each
                    # attach costs a v1 host about a millisecond a controller.
                    with contextlib.suppress(ProcessLookupError):
                        self.group.attach(child_pid)
                # Release it: one byte, which bubblewrap reads only once the
                # sandbox is built. If bubblewrap already died, there is no reader.
                try:
                    released = os.write(block_w, b"g") == 1
                except BrokenPipeError:
                    released = False
                self._watch(proc.pid, out, err, deadline)
            finally:
                self._end(proc, out, err)
            # Everything of the run is gone: a byte still in the pipe was never
            # read, so bubblewrap died building the sandbox ("bwrap: Can't find
            # source path ..."), before anything of the learner's ran. The run's
            # own stderr cannot fake this, whatever it prints.
            built = child_pid is not None and released and _unread(block_w) == 0
        wall_ms = int((time.monotonic() - started) * 1000)
        if not built:
            raise SandboxError(f"bubblewrap did not start: {err.data.decode(errors='replace')}")
        return self._result(out, err, wall_ms, workdir if writable_workdir else None, started)

    def _watch(self, pid: int, out: CappedStream, err: CappedStream, deadline: float) -> None:
        """Until the launcher exits and both pipes are at EOF, or a limit kills the run."""
        exited = os.pidfd_open(pid)
        selector = selectors.DefaultSelector()
        try:
            selector.register(exited, selectors.EVENT_READ, None)
            for stream in (out, err):
                selector.register(stream.fd, selectors.EVENT_READ, stream)
            drain_until: float | None = None
            while True:
                now = time.monotonic()
                if self.status is None and now >= deadline:
                    self._kill(pid, "wall")
                cpu_limit = self.limits.cpu_time_ms
                if self.status is None and self.group is not None:
                    cpu = self.group.cpu_time_ms()
                    if cpu is not None and cpu >= cpu_limit:
                        self._kill(pid, "cpu")
                if self.status is not None and out.closed and err.closed:
                    return
                if drain_until is not None and now >= drain_until:
                    return
                timeout = max(0.0, min(deadline - now, CPU_POLL_SECONDS))
                if self.killed_for is not None:
                    timeout = CPU_POLL_SECONDS  # killed, not yet reaped: no busy loop
                if self.status is not None:
                    timeout = max(0.0, (drain_until or now) - now)
                for key, _ in selector.select(timeout):
                    if key.data is None:
                        selector.unregister(exited)
                        self._reap(pid)
                        drain_until = time.monotonic() + DRAIN_SECONDS
                        continue
                    ready: CappedStream = key.data
                    ready.read_ready()
                    if ready.closed:
                        selector.unregister(key.fd)
                    if ready.overflowed and self.status is None:
                        self._kill(pid, "output")
        finally:
            selector.close()
            os.close(exited)

    def _kill(self, pid: int, reason: str) -> None:
        """SIGKILL the whole run. Only called before the launcher is reaped, so its pid is ours."""
        if self.killed_for is None:
            self.killed_for = reason
        # The launcher's group holds it and the sandbox's pid 1; pid 1 dying
        # takes the whole pid namespace with it. The cgroup gets the rest.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        if self.group is not None:
            self.group.kill()

    def _reap(self, pid: int) -> None:
        _, status, rusage = os.wait4(pid, 0)
        self.status = status
        self.rusage = rusage

    def _end(self, proc: subprocess.Popen[bytes], out: CappedStream, err: CappedStream) -> None:
        """Whatever happened above: the run is dead and reaped, our pipes closed."""
        if self.status is None:
            self._kill(proc.pid, self.killed_for or "error")
            self._reap(proc.pid)
        assert self.status is not None
        # Popen did not reap it; without a returncode it would warn that it still runs.
        proc.returncode = os.waitstatus_to_exitcode(self.status)
        out.close()
        err.close()
        if self.group is not None:
            self.group.kill()
        if self.pid1 is not None:
            _wait_for_exit(self.pid1)

    def _result(
        self,
        out: CappedStream,
        err: CappedStream,
        wall_ms: int,
        written: Path | None,
        started: float,
    ) -> RunResult:
        limits = self.limits
        assert self.status is not None
        exit_code: int | None
        sig: int | None
        if os.WIFSIGNALED(self.status):
            exit_code, sig = None, int(os.WTERMSIG(self.status))
        else:
            code = os.WEXITSTATUS(self.status)
            exit_code, sig = code, None
            # bubblewrap's pid 1 reports a run killed by signal N as exit 128+N,
            # as a shell does; an honest exit(130) reads the same, as in a shell.
            if 128 < code <= 128 + int(signal.SIGRTMAX):
                exit_code, sig = None, code - 128
        if self.killed_for is not None:
            exit_code, sig = None, int(signal.SIGKILL)
        ru = self.rusage
        ru_cpu_ms = int((ru.ru_utime + ru.ru_stime) * 1000) if ru else 0
        ru_peak_kb = int(ru.ru_maxrss) if ru else 0
        cpu_ms, memory_kb = ru_cpu_ms, ru_peak_kb
        failed = sig is not None or exit_code != 0
        if self.group is not None:
            usage = self.group.usage()
            memory_kb = usage.peak_memory_kb
            if usage.cpu_time_ms is not None:
                cpu_ms = usage.cpu_time_ms
            fraction, least_kb = LIMIT_REACHED_MARGIN
            margin_kb = max(least_kb, int(limits.memory_kb * fraction))
            limit_reached = failed and memory_kb >= limits.memory_kb - margin_kb
            memory_limit_hit = usage.oom_killed or (limit_reached and self.killed_for is None)
        else:
            allocation_failed = failed and any(m in err.data for m in ALLOCATION_FAILURES)
            memory_limit_hit = allocation_failed and self.killed_for is None
        return RunResult(
            exit_code=exit_code,
            signal=sig,
            cpu_time_ms=cpu_ms,
            wall_time_ms=wall_ms,
            memory_kb=memory_kb,
            stdout=out.data,
            stderr=err.data,
            output_truncated=out.overflowed or err.overflowed,
            cpu_limit_hit=self.killed_for == "cpu"
            or sig == signal.SIGXCPU
            or cpu_ms >= limits.cpu_time_ms,
            wall_limit_hit=self.killed_for == "wall",
            memory_limit_hit=memory_limit_hit,
            file_size_limit_hit=sig == signal.SIGXFSZ
            or (
                failed
                and written is not None
                and _file_at_limit(written, limits.file_size_kb * 1024, since=started)
            ),
        )


def _check_startable(program: str, workdir: Path, read_only: Sequence[Path]) -> None:
    """Refuse a run bubblewrap could not start, before starting it.

    bubblewrap reports a missing bind source or program on stderr and exits 1,
    as a learner's program may too; these are the judge's mistakes (a
    toolchain not installed, a compile that left no binary), so they are told
    apart here, where nothing of the learner's has run.
    """
    for path in (workdir, *read_only):
        if not path.exists():
            raise SandboxError(f"cannot start the sandbox: {path} does not exist")
    if find_program(program, workdir=workdir, read_only=read_only) is None:
        raise SandboxError(f"cannot start the sandbox: no executable {program} in it")


def _unread(fd: int) -> int:
    """How many bytes a pipe holds that nobody has read (either end will do)."""
    return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0])


def _check_reachable(paths: Sequence[Path]) -> None:
    """Refuse, naming the folder, what bubblewrap would fail on as "Permission denied"."""
    for path in paths:
        if (folder := unsearchable_folder(path)) is not None:
            raise SandboxError(
                f"cannot start the sandbox: {path}: {folder} is not searchable by others, "
                "so the sandbox's unprivileged uid cannot reach it"
            )


def _open_to(workdir: Path, uid: int, *, writable: bool) -> None:
    """Let the run's uid into `workdir`: own it to write, or traverse and read it.

    A read-only work dir (a cached compile shared by concurrent runs) is not
    chowned, so one run never takes it from another; the mount keeps it read-only.
    """
    if writable:
        os.chown(workdir, uid, uid)
    else:
        mode = workdir.stat().st_mode
        if mode & 0o005 != 0o005:
            workdir.chmod((mode | 0o005) & 0o7777)


def _wait_for_exit(pidfd: int) -> None:
    """Until the process is dead (a zombie at most), killing it if it lingers."""
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    if not poller.poll(int(DRAIN_SECONDS * 1000)):
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        poller.poll()


def _child_pid(info_fd: int, deadline: float) -> int | None:
    """The host pid of the sandbox's pid 1, from bubblewrap's --info-fd; None if it failed."""
    data = b""
    selector = selectors.DefaultSelector()
    selector.register(info_fd, selectors.EVENT_READ)
    try:
        while b"}" not in data:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                return None
            chunk = os.read(info_fd, 4096)
            if not chunk:
                return None
            data += chunk
    finally:
        selector.close()
    return int(json.loads(data)["child-pid"])


def _memfd_with(data: bytes) -> int:
    """A file descriptor reading `data` from its start, with no file on any disk."""
    fd = os.memfd_create("stdin")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _file_at_limit(workdir: Path, limit_bytes: int, *, since: float) -> bool:
    """Whether the run wrote a file to exactly the size limit: what EFBIG leaves behind.

    For runtimes that ignore SIGXFSZ (Python does) and report the failed
    write as an error instead. Only files changed during the run count, so a
    big compiled binary in the work dir is not mistaken for one.
    """
    since_wall = time.time() - (time.monotonic() - since)
    stack = [workdir]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    if st.st_size == limit_bytes and st.st_mtime >= since_wall - 1:
                        return True
    return False


class _FdSet:
    """File descriptors this run opened, closed once each whatever happens."""

    def __init__(self) -> None:
        self._open: set[int] = set()

    def add(self, fd: int) -> int:
        self._open.add(fd)
        return fd

    def close(self, fd: int) -> None:
        if fd in self._open:
            self._open.discard(fd)
            os.close(fd)

    def close_all(self) -> None:
        for fd in list(self._open):
            self.close(fd)


@contextlib.contextmanager
def _fds() -> Iterator[_FdSet]:
    fds = _FdSet()
    try:
        yield fds
    finally:
        fds.close_all()
