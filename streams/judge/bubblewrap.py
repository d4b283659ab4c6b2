"""The bubblewrap command line of one run: which namespaces, what the run sees of the host.

The run sees a root of its own: `/usr` and the toolchains read-only, the few
`/etc` entries toolchains resolve through (`ETC`), the work dir at `/box`,
a private `/tmp`, a fresh `/proc` of its own pid namespace and a minimal
`/dev`. Nothing else of the host: not `/root`, `/home`, `/work`, the host's
`/tmp`, `/sys`, or the rest of `/etc`.

bubblewrap is started by an unprivileged uid (see `uids.py`), so it builds
the sandbox in a user namespace of its own, where the run is uid 65534 with
no capabilities, `no_new_privs` set, and no way to make further user
namespaces (`--disable-userns`).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

BWRAP = "/usr/bin/bwrap"
BOX = "/box"
INSIDE_UID = 65534  # "nobody" inside; outside it is the leased uid
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",  # /box may be read-only; /tmp never is
    "LANG": "C.UTF-8",
}
# Merged /usr (Debian 12): the top-level names are symlinks into it.
USR_LINKS = {"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib", "/lib64": "usr/lib64"}
# /etc entries a toolchain resolves through: /usr/bin/java -> /etc/alternatives/java,
# and the dynamic loader's cache. Toolchain-specific ones (/etc/java-17-openjdk)
# come from the language table's `read_only`.
ETC = ("/etc/alternatives", "/etc/ld.so.cache")


def bwrap_argv(
    *,
    workdir: Path,
    writable_workdir: bool,
    read_only: Sequence[Path],
    tmp_size_kb: int,
    block_fd: int,
    info_fd: int,
) -> list[str]:
    """bubblewrap and its options, up to and including `--`; the run's argv follows.

    bubblewrap runs as the run's uid, so it must be able to walk to `workdir`
    and to each `read_only` path (every parent searchable by others):
    bubblewrap 0.8 resolves even `--bind-fd` sources by path.
    `block_fd`: bubblewrap waits, namespaces built, until a byte arrives on
    it, so the caller can put both bubblewrap processes into the run's cgroup
    before the run's first instruction. `info_fd`: bubblewrap writes
    `{"child-pid": N}` there, the pid of the sandbox's pid 1 as the host sees it.
    """
    argv = [
        BWRAP,
        "--unshare-all",  # ipc, pid, net (only a down lo), uts, cgroup
        "--unshare-user",
        "--disable-userns",
        "--uid", str(INSIDE_UID),
        "--gid", str(INSIDE_UID),
        "--hostname", "box",
        "--die-with-parent",  # a dead worker takes its runs with it
        "--new-session",  # no TIOCSTI into a terminal the worker may have
        "--clearenv",
    ]  # fmt: skip
    for name, value in ENVIRONMENT.items():
        argv += ["--setenv", name, value]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link, target in USR_LINKS.items():
        argv += ["--symlink", target, link]
    for entry in ETC:
        argv += ["--ro-bind-try", entry, entry]
    argv += [
        "--proc", "/proc",
        "--dev", "/dev",
        # tmpfs pages count against the memory cgroup too; the size is the
        # bound where there is no cgroup.
        "--size", str(tmp_size_kb * 1024), "--tmpfs", "/tmp",
        "--size", str(tmp_size_kb * 1024), "--tmpfs", "/dev/shm",
        "--bind" if writable_workdir else "--ro-bind", str(workdir), BOX,
    ]  # fmt: skip
    # After /tmp: a toolchain under /tmp must not be hidden by the tmpfs.
    for path in read_only:
        argv += ["--ro-bind", str(path), str(path)]
    argv += [
        "--chdir", BOX,
        "--block-fd", str(block_fd),
        "--info-fd", str(info_fd),
        "--",
    ]  # fmt: skip
    return argv
