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

Pure but for `find_program`, which looks for the run's program on the host.
"""

from __future__ import annotations

import os
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
# What the sandbox mounts itself, all before the read-only binds (bubblewrap
# mounts in argument order, later on top of earlier).
OWN_MOUNTS = tuple(
    Path(p) for p in ("/usr", *USR_LINKS, *ETC, "/proc", "/dev", "/tmp", "/dev/shm", BOX)
)
# The private tmpfs only: a read-only bind under it lands on top of it
# (bubblewrap makes the folders above it), so a checkout under /tmp works.
BINDABLE_UNDER = (Path("/tmp"),)


def read_only_conflict(path: Path) -> str | None:
    """Why `path` cannot be bound read-only into the sandbox at its host path; None if it can.

    At or above one of the sandbox's own mounts it would cover it (`/` hides
    everything, `/tmp` would be the host's /tmp, `/box` the work dir). Under one
    it is already there (`/usr`) or would reach into what the run owns
    (`/box`, `/proc`, `/dev`). Under `/tmp` it is fine (`BINDABLE_UNDER`).
    """
    for own in OWN_MOUNTS:
        if own.is_relative_to(path):
            return f"would cover {own}, which the sandbox mounts itself"
        if path.is_relative_to(own) and own not in BINDABLE_UNDER:
            return f"is under {own}, which the sandbox mounts itself"
    return None


def host_path(inside: str, *, workdir: Path, read_only: Sequence[Path]) -> Path | None:
    """Where on the host a path the run sees comes from; None where the sandbox shows nothing.

    `inside` is absolute, or relative to `/box` (the run's working directory).
    """
    path = Path(os.path.normpath(Path(BOX, inside)))
    for link, target in USR_LINKS.items():
        if path.is_relative_to(link):
            path = Path("/", target, path.relative_to(link))
    for bound in reversed(read_only):  # bound last, on top of the rest
        if path.is_relative_to(bound):
            return path
    if path.is_relative_to(BOX):
        return workdir / path.relative_to(BOX)
    if path.is_relative_to("/usr") or str(path) in ETC:
        return path
    return None


def find_program(program: str, *, workdir: Path, read_only: Sequence[Path]) -> Path | None:
    """The host file `program` (an argv[0]) is, as bubblewrap's execvp would find it in the run.

    A name without a slash is looked up in the sandbox's PATH. None when the
    run would find no executable file by that name.
    """
    if "/" in program:
        candidates = [program]
    else:
        candidates = [f"{folder}/{program}" for folder in ENVIRONMENT["PATH"].split(":")]
    for candidate in candidates:
        found = host_path(candidate, workdir=workdir, read_only=read_only)
        if found is not None and found.is_file() and os.access(found, os.X_OK):
            return found
    return None


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
    # After /tmp, so a toolchain under /tmp (a checkout in /tmp) lands on top
    # of the private tmpfs instead of under it; bubblewrap makes the folders
    # above it in the tmpfs. `read_only_conflict` refuses the paths this
    # order cannot serve.
    for path in read_only:
        argv += ["--ro-bind", str(path), str(path)]
    argv += [
        "--chdir", BOX,
        "--block-fd", str(block_fd),
        "--info-fd", str(info_fd),
        "--",
    ]  # fmt: skip
    return argv
