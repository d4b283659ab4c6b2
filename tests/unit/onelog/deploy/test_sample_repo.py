"""The sample repository: two commits, the same on every call, one line apart.

These run git on a folder of their own (git is a local tool: no service).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from onelog.deploy.sample_repo import SAMPLE_DIR, UNHEALTHY_CHANGE, ensure_sample_repo
from streams.deploy.config import DeploySettings

CHANGE = ("BROKEN", "yes\n")


def _deploy(root: Path) -> DeploySettings:
    return DeploySettings(
        deploy_dir=root / "deploy",
        host="127.0.0.1",
        origin_port=1,
        region_port=2,
        regions=("r1",),
        tick_ms=500,
    )


def _sample(root: Path) -> Path:
    sample = root / "sample"
    sample.mkdir()
    (sample / "build.sh").write_text('#!/bin/sh\ncp settings.conf "$OUT/"\n')
    (sample / "build.sh").chmod(0o755)
    (sample / "settings.conf").write_text("# the sample's settings\nhealthy=true\nport=0\n")
    (sample / "__pycache__").mkdir()
    (sample / "__pycache__" / "x.pyc").write_bytes(b"junk")
    return sample


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return done.stdout.decode()


def test_two_commits_one_line_apart(tmp_path: Path) -> None:
    repo = ensure_sample_repo(_deploy(tmp_path), source=_sample(tmp_path), unhealthy_change=CHANGE)
    assert repo.path == tmp_path / "deploy" / "repos" / "hello-service"
    assert repo.good_commit != repo.bad_commit
    assert _git(repo.path, "rev-parse", f"{repo.bad_commit}^").strip() == repo.good_commit
    diff = _git(repo.path, "diff", "--unified=0", repo.good_commit, repo.bad_commit)
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["+yes"]
    files = _git(repo.path, "ls-tree", "-r", "--name-only", repo.good_commit).split()
    assert sorted(files) == ["build.sh", "settings.conf"]  # no __pycache__
    assert "100755 blob" in _git(repo.path, "ls-tree", repo.good_commit, "build.sh")


def test_a_second_call_and_another_machine_give_the_same_commits(tmp_path: Path) -> None:
    sample = _sample(tmp_path)
    first = ensure_sample_repo(_deploy(tmp_path / "a"), source=sample, unhealthy_change=CHANGE)
    again = ensure_sample_repo(_deploy(tmp_path / "a"), source=sample, unhealthy_change=CHANGE)
    elsewhere = ensure_sample_repo(_deploy(tmp_path / "b"), source=sample, unhealthy_change=CHANGE)
    assert (again.good_commit, again.bad_commit) == (first.good_commit, first.bad_commit)
    assert (elsewhere.good_commit, elsewhere.bad_commit) == (first.good_commit, first.bad_commit)
    # Nothing left beside the repository.
    assert [p.name for p in (tmp_path / "a" / "deploy" / "repos").iterdir()] == ["hello-service"]


def test_a_changed_sample_replaces_the_repository(tmp_path: Path) -> None:
    sample = _sample(tmp_path)
    before = ensure_sample_repo(_deploy(tmp_path), source=sample, unhealthy_change=CHANGE)
    (sample / "settings.conf").write_text("healthy=true\nport=1\n")
    after = ensure_sample_repo(_deploy(tmp_path), source=sample, unhealthy_change=CHANGE)
    assert after.good_commit != before.good_commit
    assert (
        _git(after.path, "show", f"{after.good_commit}:settings.conf") == "healthy=true\nport=1\n"
    )


def test_a_sample_that_already_has_the_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"already has settings\.conf"):
        ensure_sample_repo(
            _deploy(tmp_path),
            source=_sample(tmp_path),
            unhealthy_change=("settings.conf", "healthy=false\n"),
        )


@pytest.mark.skipif(not SAMPLE_DIR.is_dir(), reason="samples/hello-service is not there yet")
def test_the_real_sample_becomes_unhealthy_in_its_second_commit(tmp_path: Path) -> None:
    repo = ensure_sample_repo(_deploy(tmp_path))
    name, line = UNHEALTHY_CHANGE
    good = _git(repo.path, "ls-tree", "-r", "--name-only", repo.good_commit).split()
    assert "build.sh" in good and name not in good
    assert _git(repo.path, "show", f"{repo.bad_commit}:{name}") == line
    # The sample's build.sh is what turns that file into a failing /health.
    assert name in _git(repo.path, "show", f"{repo.good_commit}:build.sh")
