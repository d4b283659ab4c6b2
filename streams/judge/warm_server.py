"""The fork server inside one submission's sandbox: Python started once, a fresh child per test.

Not imported by the worker: `warm_sandbox.py` runs this file's text as
`python3 -B -c <text> <control fd> <script> <args...>` inside the
submission's bubblewrap. Standard library only.

It imports what every Python run imports anyway (the harness's modules), then
serves one request at a time on the control socket (SOCK_SEQPACKET): a
request is four file descriptors (the test's stdin, stdout and stderr, and a
"gate" socket) and the test's rlimits. For each it forks a child that
becomes the test: own session, the test's fds as 0/1/2, its own rlimits, then
it announces itself on the gate (the worker learns its host pid from the
message's credentials and moves it into the test's cgroup) and runs the
learner's script only once the worker answers. The server reports the
child's wait status, CPU time and peak RSS, and runs nothing of the learner's
itself: the child is the only process that ever executes learner code, and
all of it dies with the test.

Between tests the server empties /tmp, /dev/shm and System V IPC, so one
test leaves nothing for the next (the worker has killed the last test's
cgroup before it sends the next request).
"""

# What the harness and most solutions import: paid once per submission.
import atexit
import contextlib
import ctypes
import importlib.util  # noqa: F401
import json
import os
import pkgutil  # noqa: F401  (runpy.run_path imports it per call)
import re  # noqa: F401
import resource
import runpy
import shutil
import socket
import struct
import sys
import traceback
import typing  # noqa: F401

FDS = 4  # stdin, stdout, stderr, gate
GATE_FD = 3  # where the gate sits in the child until the worker lets it run
SCRATCH = ("/tmp", "/dev/shm")
IPC_KINDS = ("shm", "sem", "msg")
IPC_RMID = 0


def serve(control: socket.socket) -> tuple[list[int], list[list[int]]] | None:
    """Serve requests until the worker hangs up; in a child, return its fds and rlimits."""
    # Nothing of this uid (the tests' children) may trace or read this process.
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    while True:
        message, ancillary, _, _ = control.recvmsg(4096, socket.CMSG_SPACE(FDS * 4))
        if not message:
            return None
        fds: list[int] = []
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds += struct.unpack(f"{len(data) // 4}i", data[: len(data) // 4 * 4])
        rlimits = json.loads(message)["rlimits"]
        _wipe_scratch()
        pid = os.fork()
        if pid == 0:
            control.close()
            return fds, rlimits
        for fd in fds:
            os.close(fd)
        _, status, usage = os.wait4(pid, 0)
        cpu_ms = int((usage.ru_utime + usage.ru_stime) * 1000)
        control.send(json.dumps([status, cpu_ms, usage.ru_maxrss]).encode())


def _wipe_scratch() -> None:
    for folder in SCRATCH:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
    libc = ctypes.CDLL(None)
    for kind in IPC_KINDS:
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/sysvipc/{kind}") as table:
                ids = [int(line.split()[1]) for line in table.readlines()[1:]]
            for ipc_id in ids:
                if kind == "sem":
                    libc.semctl(ipc_id, 0, IPC_RMID)
                else:
                    getattr(libc, f"{kind}ctl")(ipc_id, IPC_RMID, None)


def become_test(fds: list[int], rlimits: list[list[int]], script: str, args: list[str]) -> int:
    """In the child: take the test's fds and limits, wait for the worker, run the script."""
    os.setsid()
    stdin, stdout, stderr, gate = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2), (gate, GATE_FD)):
        os.dup2(fd, target)
    # Only what is open: closerange up to the fd limit is a syscall per number.
    for name in os.listdir("/proc/self/fd"):
        if int(name) > GATE_FD:
            with contextlib.suppress(OSError):
                os.close(int(name))
    for number, soft, hard in rlimits:
        resource.setrlimit(number, (soft, hard))
    with socket.socket(fileno=GATE_FD) as announce:
        announce.send(b"r")  # the worker reads our pid from this message's credentials
        if announce.recv(1) != b"g":
            return 125
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit_:
        return _exit_code(exit_)
    except BaseException as error:
        _print_from_script(error, script)
        return 1
    return 0


def finish(code: int) -> None:
    """What the interpreter's exit does that a script can see, without tearing it down.

    Non-daemon threads joined, atexit handlers run, stdio flushed (a failed
    flush is exit 120, as in CPython); the module teardown of a full
    finalization would cost a test several milliseconds of CPU for nothing.
    """
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = code or 120
    os._exit(code)


def _exit_code(exit_: SystemExit) -> int:
    """What `python3 script` exits with for this SystemExit."""
    code = exit_.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _print_from_script(error: BaseException, script: str) -> None:
    """The traceback `python3 script` prints: from the script's frame on, not ours or runpy's."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != os.path.abspath(
        script
    ):
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__)


if __name__ == "__main__":
    control_fd, script_path, *script_args = sys.argv[1:]
    child = serve(socket.socket(fileno=int(control_fd)))
    if child is None:
        sys.exit(0)
    finish(become_test(*child, script_path, script_args))
