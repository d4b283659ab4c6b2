"""What a build from git may take and what it gives: pure, no git, no sandbox.

The builder (builder.py) checks out a repository at a commit outside the
sandbox and runs the repository's `build.sh` inside it. Everything here is
the part of that which decides without touching the world: which repository
strings and commits are acceptable, the sandbox's limits and command line,
what a finished run means, the log excerpt, and the facts it becomes.
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass

from schemas.deploy.records import Artifact, BuildRelease, ReleaseBuildFailed, ReleaseBuilt
from streams.facts import Fact
from streams.judge.limits import Limits

# What the builder writes into the box (the sandbox's /box): the checkout,
# copied by the build to where it may write, and the folder it packs.
CHECKOUT = "checkout"
OUT = "out"
BUILD_SCRIPT = "build.sh"

# A build may take two minutes of wall time and one of CPU; its output folder
# holds what it writes, a release of up to 256 MB per file. stdout and stderr
# are kept up to 1 MB each (more kills the build); the fact carries an excerpt.
BUILD_LIMITS = Limits(
    cpu_time_ms=60_000,
    wall_time_ms=120_000,
    memory_kb=1024 * 1024,
    processes=128,
    file_size_kb=256 * 1024,
    open_files=256,
    output_kb=1024,
)
# How much of a build's output a fact carries: the start (what ran) and the
# end (where it failed), with what was cut in between said.
LOG_HEAD_CHARS = 1024
LOG_TAIL_CHARS = 3072

_COMMIT = re.compile(r"[0-9a-fA-F]{7,40}")
_FILE_URL = "file:///"


class RefusedSource(ValueError):
    """A repository or commit the builder will not touch; the message says why."""


def check_repo(repo: str) -> str:
    """`repo` if it is an absolute local path or a file:/// URL, else RefusedSource.

    The builder reads repositories on this machine only: no network, no ssh,
    no git remote helpers (`ext::`), and nothing git could read as an option.
    An absolute path cannot be taken for `host:path` (ssh) or `helper::address`,
    since git reads those only before the first slash.
    """
    if not repo:
        raise RefusedSource("no repository given")
    if repo.startswith("-"):
        raise RefusedSource("a repository may not start with '-'")
    if any(ord(c) < 0x20 or c == "\x7f" for c in repo):
        raise RefusedSource("a repository may not hold control characters")
    if repo.startswith(_FILE_URL):
        path = repo[len(_FILE_URL) - 1 :]
    elif repo.startswith("/"):
        path = repo
    else:
        raise RefusedSource(
            "a repository must be an absolute local path or a file:/// URL "
            "(no network, no ssh, no relative paths)"
        )
    if "::" in repo or "/../" in path + "/" or path.endswith("/.."):
        raise RefusedSource("a repository path may not hold '::' or '..'")
    return repo


def check_commit(commit: str) -> str:
    """`commit` if it is 7 to 40 hex digits (lowercased), else RefusedSource."""
    if not _COMMIT.fullmatch(commit):
        raise RefusedSource("a commit must be 7 to 40 hexadecimal digits")
    return commit.lower()


def build_command(version: str, commit: str) -> list[str]:
    """The sandbox's argv: copy the read-only checkout to a folder the build
    may write, make OUT, and run `sh build.sh` there with OUT, VERSION (the
    release's) and COMMIT (the full hash) set.

    The checkout is the builder's (root's, read-only to the build's uid), so
    the build works on a copy; OUT is a folder of the writable box. The
    values go through env's arguments, never into the shell's text, so a
    version cannot inject a command.
    """
    script = (
        "set -e; "
        f"cp -R /box/{CHECKOUT} /box/src; "
        f"mkdir /box/{OUT}; "
        "cd /box/src; "
        f"exec /bin/sh ./{BUILD_SCRIPT}"
    )
    return [
        "/usr/bin/env",
        f"OUT=/box/{OUT}",
        f"VERSION={version}",
        f"COMMIT={commit}",
        "/bin/sh",
        "-c",
        script,
    ]


@dataclass(frozen=True)
class RunOutcome:
    """What the builder needs of a sandbox run (streams/judge/sandbox.RunResult)."""

    exit_code: int | None
    signal: int | None
    output_truncated: bool
    wall_limit_hit: bool
    cpu_limit_hit: bool
    memory_limit_hit: bool
    file_size_limit_hit: bool


def run_failure(run: RunOutcome, limits: Limits = BUILD_LIMITS) -> str | None:
    """Why the build failed, for a person; None when it succeeded.

    A limit is named before the exit status: a build killed for its time
    also dies by a signal, and the limit is the reason worth reading.
    """
    if run.wall_limit_hit:
        return f"{BUILD_SCRIPT} ran past its time limit of {limits.wall_time_ms // 1000} s"
    if run.cpu_limit_hit and run.exit_code != 0:
        return f"{BUILD_SCRIPT} used more than {limits.cpu_time_ms // 1000} s of CPU"
    if run.memory_limit_hit:
        return f"{BUILD_SCRIPT} ran out of memory (limit {limits.memory_kb // 1024} MB)"
    if run.output_truncated:
        return f"{BUILD_SCRIPT} wrote more than {limits.output_kb} KB of output"
    if run.file_size_limit_hit:
        return f"{BUILD_SCRIPT} wrote a file over {limits.file_size_kb // 1024} MB"
    if run.signal is not None:
        try:
            name = signal.Signals(run.signal).name
        except ValueError:
            name = f"signal {run.signal}"
        return f"{BUILD_SCRIPT} was killed by {name}"
    if run.exit_code != 0:
        return f"{BUILD_SCRIPT} exited with status {run.exit_code}"
    return None


def log_excerpt(stdout: bytes, stderr: bytes) -> str:
    """The build's output as text, cut to its head and tail with the cut said.

    stdout then stderr (a build's errors usually end it, on stderr).
    """
    text = stdout.decode(errors="replace")
    if stderr:
        text += ("\n" if text and not text.endswith("\n") else "") + stderr.decode(errors="replace")
    return cut_log(text)


def cut_log(text: str, head: int = LOG_HEAD_CHARS, tail: int = LOG_TAIL_CHARS) -> str:
    """`text` if it is short enough, else its first `head` and last `tail`
    characters around a line that says how much was left out."""
    if len(text) <= head + tail:
        return text
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:] if tail else ''}"


def built(
    command: BuildRelease,
    *,
    commit: str,
    committed_at_ms: int | None,
    artifact: Artifact,
    build_ms: int,
    log: str,
) -> Fact:
    """The fact of a build that worked: the artifact is in the blob store, signed."""
    return (
        ReleaseBuilt,
        {
            "release_id": command.release_id,
            "service": command.service,
            "version": command.version,
            "repo": command.repo,
            "commit": commit,
            "committed_at_ms": committed_at_ms,
            # Plain fields, as every fact's payload (encoded without the model).
            "artifact": artifact.model_dump(),
            "actor": command.actor,
            "build_ms": build_ms,
            "log_excerpt": log,
        },
    )


def failed(command: BuildRelease, *, reason: str, log: str = "") -> Fact:
    """The fact of a build that gave no release, with a reason a person can read."""
    return (
        ReleaseBuildFailed,
        {
            "release_id": command.release_id,
            "service": command.service,
            "version": command.version,
            "repo": command.repo,
            "commit": command.commit,
            "actor": command.actor,
            "reason": reason,
            "log_excerpt": log,
        },
    )
