"""Starting and stopping the platform's server processes, without Docker.

Each service runs detached in its own process group; its pid lives in
`<state>/run/<name>.pid` and its output in `<state>/logs/<name>.log`, so a
later `onelog down` (or a test teardown) finds and stops it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Children this process started: held so they are not collected (and warned
# about) while they run; `stop` reaps them.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServiceProcess:
    name: str
    pid: int
    log: Path


def _pid_file(state_dir: Path, name: str) -> Path:
    return state_dir / "run" / f"{name}.pid"


def log_file(state_dir: Path, name: str) -> Path:
    return state_dir / "logs" / f"{name}.log"


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is not running.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process: with the pid, it names the process
    even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def running_pid(state_dir: Path, name: str) -> int | None:
    path = _pid_file(state_dir, name)
    try:
        pid_text, _, started = path.read_text().strip().partition(" ")
        pid = int(pid_text)
    except (FileNotFoundError, ValueError):
        return None
    if not is_alive(pid) or (started and _start_time(pid) != started):
        return None
    return pid


def start(
    state_dir: Path,
    name: str,
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> ServiceProcess:
    """Start argv detached unless a live process already holds the name."""
    log = log_file(state_dir, name)
    existing = running_pid(state_dir, name)
    if existing is not None:
        return ServiceProcess(name, existing, log)
    log.parent.mkdir(parents=True, exist_ok=True)
    _pid_file(state_dir, name).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    _pid_file(state_dir, name).write_text(f"{proc.pid} {_start_time(proc.pid) or ''}".strip())
    return ServiceProcess(name, proc.pid, log)


def stop(state_dir: Path, name: str, timeout: float = 20.0, sig: int = signal.SIGTERM) -> bool:
    """Stop the named service (its whole process group). True if one was running."""
    pid = running_pid(state_dir, name)
    _pid_file(state_dir, name).unlink(missing_ok=True)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    if not _ended(pid, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        _ended(pid, 5.0)
    return True


def _ended(pid: int, timeout: float) -> bool:
    """Wait until the process has ended, reaping it if it is our child."""
    deadline = time.monotonic() + timeout
    while not _reap(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def kill(state_dir: Path, name: str) -> bool:
    """SIGKILL, as a crash would: no clean shutdown of any kind."""
    return stop(state_dir, name, timeout=5.0, sig=signal.SIGKILL)


def _reap(pid: int) -> bool:
    """Reap the process if it has ended; True if it has. A child of ours has
    ended only once reaped: a multithreaded one (a JVM) shows as a zombie
    while its other threads still exit, and cannot be reaped until they have."""
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return False
        del _children[pid]
        return True
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    return not is_alive(pid)


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tail = "\n" + log_tail(log) if log else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s{tail}")


class ServiceNotReady(RuntimeError):
    """A started service that did not become ready: which one, why, and the
    tail of its log, which usually says the rest."""

    def __init__(self, service: ServiceProcess, reason: str) -> None:
        self.service = service.name
        self.reason = reason
        tail = log_tail(service.log)
        shown = f"\nthe last lines of {service.log}:\n{tail}" if tail else ""
        super().__init__(f"{service.name} is not ready: {reason}{shown}")


def wait_ready(
    service: ServiceProcess, ready: Callable[[], bool], timeout: float, what: str = "ready"
) -> None:
    """Return once ready() holds (it must answer quickly); raise ServiceNotReady
    as soon as the process ends, or when timeout seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if not is_alive(service.pid):
            reason = _ending(service.pid)
            _reap(service.pid)
            raise ServiceNotReady(service, reason)
        if ready():
            return
        if time.monotonic() >= deadline:
            raise ServiceNotReady(service, f"not {what} after {timeout:.0f}s")
        time.sleep(0.2)


def _ending(pid: int) -> str:
    child = _children.get(pid)
    code = child.poll() if child is not None else None
    return "it exited" if code is None else f"it exited with code {code}"
