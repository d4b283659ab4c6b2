"""The sample service as a git repository the builder can build: two commits,
the first healthy, the second one line away from a failing health check
(it adds a one-line file UNHEALTHY, which the sample's build.sh turns into a
release whose /health answers 503).

`onelog up` releases both (onelog/deploy/publish.py): the good one deploys to
every region, the bad one shows the automatic rollback at the canary. The
repository is made from samples/hello-service/ under the deploy folder
(deploy_dir/repos/hello-service). Authors, committers and dates are fixed,
so the same sample gives the same commit hashes on every machine and every
call; a sample that changed gives new ones, and the repository is replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from streams.deploy.config import DeploySettings

REPO_NAME = "hello-service"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / REPO_NAME
# The one-line change that makes the second commit unhealthy: this file, with
# this one line (samples/hello-service/build.sh: a file UNHEALTHY in the source).
UNHEALTHY_CHANGE = ("UNHEALTHY", "this commit's release answers 503 on /health\n")
GOOD_TAG = "healthy"
BAD_TAG = "unhealthy"
# (message, date) of the two commits, in order.
GOOD_COMMIT = ("hello-service: a healthy first release", "2026-01-01T00:00:00+0000")
BAD_COMMIT = ("hello-service: health check fails (UNHEALTHY)", "2026-01-01T01:00:00+0000")
IDENTITY = ("onelog sample", "sample@onelog.invalid")
GIT_SECONDS = 30
# Not part of the sample: what running or testing it leaves beside the sources.
IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".pytest_cache")


@dataclass(frozen=True)
class SampleRepo:
    path: Path
    good_commit: str
    bad_commit: str


def ensure_sample_repo(
    deploy: DeploySettings,
    *,
    source: Path = SAMPLE_DIR,
    unhealthy_change: tuple[str, str] = UNHEALTHY_CHANGE,
) -> SampleRepo:
    """The sample repository, made (or remade, if the sample changed) under
    deploy_dir/repos. Safe to call from several processes at once: each makes
    its copy in a folder of its own, and one rename puts it in place."""
    target = deploy.deploy_dir / "repos" / REPO_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = _read(target)
    fresh_dir = Path(tempfile.mkdtemp(prefix=f".{REPO_NAME}-", dir=target.parent))
    fresh_dir.chmod(0o755)  # mkdtemp's 0700 would stay the repository's mode
    try:
        fresh = _create(fresh_dir, source, unhealthy_change)
        if existing is not None and _same(existing, fresh):
            return existing
        if existing is not None:
            _move_aside(target)
        with contextlib.suppress(OSError):  # another process put the same one in place
            os.rename(fresh_dir, target)
    finally:
        shutil.rmtree(fresh_dir, ignore_errors=True)
    made = _read(target)
    if made is None or not _same(made, fresh):
        raise RuntimeError(f"{target} is not the sample repository it should be")
    return made


def _same(a: SampleRepo, b: SampleRepo) -> bool:
    return (a.good_commit, a.bad_commit) == (b.good_commit, b.bad_commit)


def _move_aside(target: Path) -> None:
    aside = Path(tempfile.mkdtemp(prefix=f".{REPO_NAME}-old-", dir=target.parent))
    with contextlib.suppress(OSError):  # already moved by another process
        os.rename(target, aside / REPO_NAME)
    shutil.rmtree(aside, ignore_errors=True)


def _read(repo: Path) -> SampleRepo | None:
    """The repository's two commits by their tags; None if it is not whole."""
    if not (repo / ".git").is_dir():
        return None
    try:
        good = _git(repo, "rev-parse", "--verify", f"refs/tags/{GOOD_TAG}^{{commit}}")
        bad = _git(repo, "rev-parse", "--verify", f"refs/tags/{BAD_TAG}^{{commit}}")
    except subprocess.CalledProcessError:
        return None
    return SampleRepo(path=repo, good_commit=good, bad_commit=bad)


def _create(repo: Path, source: Path, unhealthy_change: tuple[str, str]) -> SampleRepo:
    if not source.is_dir():
        raise FileNotFoundError(f"the sample service is not at {source}")
    shutil.copytree(source, repo, ignore=IGNORED, dirs_exist_ok=True)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _commit(repo, *GOOD_COMMIT, tag=GOOD_TAG)
    _write_one_line(repo, unhealthy_change)
    _commit(repo, *BAD_COMMIT, tag=BAD_TAG)
    made = _read(repo)
    assert made is not None  # both tags were just made
    return made


def _write_one_line(repo: Path, change: tuple[str, str]) -> None:
    name, line = change
    if line.count("\n") != 1 or not line.endswith("\n"):
        raise ValueError(f"the unhealthy change must be one line, not {line!r}")
    path = repo / name
    if path.exists():
        raise ValueError(f"the sample already has {name}: its first commit would not be healthy")
    path.write_text(line)


def _commit(repo: Path, message: str, date: str, *, tag: str) -> None:
    name, email = IDENTITY
    env = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": date,
    }
    _git(repo, "add", "--all", ".")
    _git(repo, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, env=env)
    _git(repo, "tag", tag)


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    # No user or system configuration: a signing, hook or template setting of
    # the machine would change the commits or their hashes.
    base = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        ["git", "-c", "core.autocrlf=false", "-c", "core.fileMode=true", *args],
        cwd=repo,
        env={**base, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=GIT_SECONDS,
        check=True,
    )
    return done.stdout.decode().strip()
