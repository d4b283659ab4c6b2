"""Building a release from git: checkout outside the sandbox, `build.sh` inside
it, the output packed, stored and signed. One BuildRelease in, one fact out.

    BuildRelease -> git clone + checkout (here, as the worker; no network)
                 -> sh build.sh in the judge's sandbox (network off, limits)
                 -> pack OUT (artifacts.pack) -> BlobStore.put (signs)
                 -> ReleaseBuilt, or ReleaseBuildFailed with the reason

Contract of `Builder.build`: blocking (the agent calls it in a thread), never
raises for anything about the repository or the build (that is a
ReleaseBuildFailed), and leaves no folder of the build behind. The signing
key stays in the blob store's object: it is never in the box the sandbox
sees, nor in any log or fact.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from schemas.deploy.records import BuildRelease
from streams.deploy import build_plan
from streams.deploy.artifacts import UnsafeArtifact, pack
from streams.deploy.blob_store import BlobStore
from streams.facts import Fact
from streams.judge.sandbox import Sandbox, SandboxError

log = logging.getLogger(__name__)

# Every git command is bounded; a local clone of a large repository fits.
GIT_SECONDS = 60
# git reads no configuration of the machine's or the worker's user: only what
# the command line says, so a ~/.gitconfig cannot add a helper or a hook.
GIT_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LANG": "C.UTF-8",
}
# Local transports only, even for a file:// URL's submodules or alternates.
GIT_PROTOCOLS = ("-c", "protocol.allow=never", "-c", "protocol.file.allow=always")


class CheckoutFailed(RuntimeError):
    """git could not give the commit; the message is for a person."""


@dataclass(frozen=True)
class Checkout:
    commit: str  # the full hash that was checked out
    committed_at_ms: int


def checkout(repo: str, commit: str, into: Path) -> Checkout:
    """Clone `repo` into the new folder `into` and check out `commit` there.

    `repo` and `commit` must have passed build_plan.check_repo/check_commit.
    The clone's .git is removed afterwards: the build gets the tree only.
    """
    _git("clone", "--no-hardlinks", "--quiet", "--no-checkout", "--", repo, str(into))
    full = _git(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}^{{commit}}", cwd=into
    )
    if not full:
        raise CheckoutFailed(f"commit {commit} is not in {repo}")
    _git("-c", "advice.detachedHead=false", "checkout", "--quiet", full, cwd=into)
    seconds = _git("show", "-s", "--format=%ct", full, cwd=into)
    shutil.rmtree(into / ".git")
    return Checkout(commit=full, committed_at_ms=int(seconds) * 1000)


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *GIT_PROTOCOLS, *args],
            cwd=cwd,
            env=GIT_ENV,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckoutFailed(f"git {args[0]} took longer than {GIT_SECONDS} s") from exc
    if done.returncode != 0:
        # `rev-parse --quiet` fails silently for an unknown commit: no text, no error.
        if args[0] == "rev-parse" and not done.stderr.strip():
            return ""
        why = done.stderr.decode(errors="replace").strip().splitlines()
        raise CheckoutFailed(f"git {args[0]} failed: {why[-1] if why else done.returncode}")
    return done.stdout.decode(errors="replace").strip()


def _readable_by_all(root: Path) -> None:
    """Let the build's unprivileged uid read the checkout the worker made."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            path = Path(dirpath, name)
            path.chmod(path.stat().st_mode | 0o555)
        for name in filenames:
            path = Path(dirpath, name)
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                path.chmod(mode | 0o444)
    root.chmod(root.stat().st_mode | 0o555)


class Builder:
    """Builds BuildRelease commands; thread-safe (each build has its own folder)."""

    def __init__(self, sandbox: Sandbox, blobs: BlobStore, work_dir: Path) -> None:
        """`work_dir`: where builds make their folders; every folder above it
        must be searchable by others (the sandbox's uid walks to the box)."""
        self.sandbox = sandbox
        self.blobs = blobs
        self.work_dir = Path(work_dir)

    def build(self, command: BuildRelease) -> Fact:
        try:
            repo = build_plan.check_repo(command.repo)
            commit = build_plan.check_commit(command.commit)
        except build_plan.RefusedSource as exc:
            return build_plan.failed(command, reason=f"refused: {exc}")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.work_dir.chmod(self.work_dir.stat().st_mode | 0o555)
        box = Path(tempfile.mkdtemp(prefix=f"build-{command.release_id}-", dir=self.work_dir))
        try:
            return self._build_in(box, command, repo, commit)
        finally:
            shutil.rmtree(box, ignore_errors=True)

    def _build_in(self, box: Path, command: BuildRelease, repo: str, commit: str) -> Fact:
        box.chmod(0o755)
        source = box / build_plan.CHECKOUT
        try:
            checked_out = checkout(repo, commit, source)
        except CheckoutFailed as exc:
            return build_plan.failed(command, reason=f"checkout failed: {exc}")
        if not (source / build_plan.BUILD_SCRIPT).is_file():
            return build_plan.failed(
                command, reason=f"no {build_plan.BUILD_SCRIPT} at the repository's root"
            )
        _readable_by_all(source)
        started = time.monotonic()
        try:
            run = self.sandbox.run(
                build_plan.build_command(command.version, checked_out.commit),
                workdir=box,
                stdin=b"",
                limits=build_plan.BUILD_LIMITS,
            )
        except SandboxError as exc:
            log.error("builder: the sandbox failed for %s: %s", command.release_id, exc)
            return build_plan.failed(command, reason=f"the build sandbox failed: {exc}")
        build_ms = int((time.monotonic() - started) * 1000)
        excerpt = build_plan.log_excerpt(run.stdout, run.stderr)
        outcome = build_plan.RunOutcome(
            exit_code=run.exit_code,
            signal=run.signal,
            output_truncated=run.output_truncated,
            wall_limit_hit=run.wall_limit_hit,
            cpu_limit_hit=run.cpu_limit_hit,
            memory_limit_hit=run.memory_limit_hit,
            file_size_limit_hit=run.file_size_limit_hit,
        )
        if (why := build_plan.run_failure(outcome)) is not None:
            return build_plan.failed(command, reason=why, log=excerpt)
        out = box / build_plan.OUT
        if not out.is_dir() or not any(out.iterdir()):
            return build_plan.failed(
                command, reason=f"{build_plan.BUILD_SCRIPT} left $OUT empty", log=excerpt
            )
        try:
            artifact = self.blobs.put(pack(out))
        except UnsafeArtifact as exc:
            return build_plan.failed(command, reason=f"$OUT cannot be packed: {exc}", log=excerpt)
        return build_plan.built(
            command,
            commit=checked_out.commit,
            committed_at_ms=checked_out.committed_at_ms,
            artifact=artifact,
            build_ms=build_ms,
            log=excerpt,
        )
