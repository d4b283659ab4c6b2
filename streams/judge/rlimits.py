"""The resource limits (setrlimit) a sandboxed run starts with, as a `prlimit` command prefix.

rlimits are set by exec'ing util-linux `prlimit` in front of bubblewrap rather
than in a `preexec_fn`: the worker runs sandboxes from many threads at once,
and Python code between fork and exec can deadlock in a threaded process.

They are per process, so they are the second line behind the cgroup: RLIMIT_CPU
stops one spinning process, RLIMIT_NPROC a fork bomb where no pids cgroup
exists, RLIMIT_FSIZE is the only limit on file sizes. Memory is the
exception: where a memory cgroup decides, no address-space limit is set, because
JVMs and Go reserve far more address space than they use and a failed mmap
would show as a crash instead of a clean Memory Limit Exceeded.

Pure: no I/O.
"""

from __future__ import annotations

from streams.judge.limits import Limits

PRLIMIT = "/usr/bin/prlimit"

# bubblewrap itself holds two processes of the run's uid (the launcher
# outside and the reaper that is pid 1 inside); the run's count starts after them.
BUBBLEWRAP_PROCESSES = 2

STACK_BYTES = 64 * 1024 * 1024


def rlimits_for(limits: Limits, *, memory_cgroup: bool) -> dict[str, tuple[int, int]]:
    """prlimit resource name -> (soft, hard)."""
    cpu_seconds = -(-limits.cpu_time_ms // 1000)  # whole seconds, rounded up
    memory = limits.memory_kb * 1024
    processes = limits.processes + BUBBLEWRAP_PROCESSES
    table = {
        # SIGXCPU at the soft limit, SIGKILL a second later if it is caught.
        "cpu": (cpu_seconds, cpu_seconds + 1),
        "fsize": (limits.file_size_kb * 1024, limits.file_size_kb * 1024),
        "nofile": (limits.open_files, limits.open_files),
        "nproc": (processes, processes),
        "core": (0, 0),
    }
    if memory_cgroup:
        # Deep recursion is legitimate in contest code and the cgroup bounds
        # what it touches. Not without one: glibc sizes every thread's stack
        # by this limit, and thread stacks count against RLIMIT_DATA.
        stack = min(memory, STACK_BYTES)
        table["stack"] = (stack, stack)
    else:
        # RLIMIT_DATA, not AS: since Linux 4.7 it counts private writable
        # mappings only, so address space reserved PROT_NONE (JVM, Go) is free.
        table["data"] = (memory, memory)
    return table


def prlimit_prefix(limits: Limits, *, memory_cgroup: bool) -> list[str]:
    """`prlimit --cpu=5:6 ... --`: exec'd first, it sets its own limits and execs the rest."""
    table = rlimits_for(limits, memory_cgroup=memory_cgroup)
    return [PRLIMIT, *(f"--{name}={soft}:{hard}" for name, (soft, hard) in table.items()), "--"]
