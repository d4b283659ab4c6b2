"""The installer makes the judge's folder for the sandbox's uids, and does it once.

Real folders, as root: owner and modes whatever the umask, a second run that
changes nothing, and a refusal where no sandbox uid could reach the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import REPO_ROOT
from onelog.judge.toolchains import JudgeDirError, install, make_judge_dir
from streams.judge.judge_dir import JudgeDir
from streams.judge.languages import parse_language

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the judge's folder is root's")

QUICK_S = 5.0  # "quick when all is there": a run that only checks


@pytest.fixture
def reachable() -> Iterator[Path]:
    """A folder under /tmp that every user may enter, as /var/lib is."""
    folder = Path(tempfile.mkdtemp(prefix="onelog-judge-dir-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def _owner_and_mode(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_uid, info.st_gid, info.st_mode & 0o7777


def test_the_folder_is_made_roots_and_0755_whatever_the_umask(reachable: Path) -> None:
    paths = JudgeDir(reachable / "var" / "lib" / "onelog" / "judge")
    umask = os.umask(0o077)
    try:
        make_judge_dir(paths)
    finally:
        os.umask(umask)
    for folder in (
        reachable / "var",
        reachable / "var" / "lib" / "onelog",
        paths.root,
        paths.toolchains,
        paths.compile_cache,
    ):
        assert _owner_and_mode(folder) == (0, 0, 0o755), folder


def test_a_second_run_puts_right_what_was_changed_and_keeps_the_rest(reachable: Path) -> None:
    paths = JudgeDir(reachable / "judge")
    make_judge_dir(paths)
    kept = paths.toolchains / "cpp" / "kept"
    kept.parent.mkdir()
    kept.write_text("installed")
    paths.compile_cache.chmod(0o700)
    os.chown(paths.root, 1234, 1234)

    make_judge_dir(paths)

    assert _owner_and_mode(paths.root) == (0, 0, 0o755)
    assert _owner_and_mode(paths.compile_cache) == (0, 0, 0o755)
    assert kept.read_text() == "installed"


def test_a_folder_under_a_private_one_is_refused_naming_it() -> None:
    private = Path(tempfile.mkdtemp(prefix="onelog-private-"))  # 0700, like /root
    try:
        with pytest.raises(JudgeDirError, match=f"under {private}, which other users cannot"):
            make_judge_dir(JudgeDir(private / "judge"))
        assert not (private / "judge").exists()
    finally:
        shutil.rmtree(private)


def test_a_folder_others_may_write_is_refused_and_left_alone() -> None:
    with pytest.raises(JudgeDirError, match="/tmp may be written by other users"):
        make_judge_dir(JudgeDir(Path("/tmp")))
    assert Path("/tmp").stat().st_mode & 0o7777 == 0o1777


def test_install_writes_what_runs_read_world_readable(reachable: Path) -> None:
    # A prepare step writing a file under the caller's umask of 077, as root's may be.
    paths = JudgeDir(reachable / "judge")
    made = paths.toolchains / "demo" / "made"
    language = parse_language(
        f"""
        id = "demo"
        name = "Demo"
        source_file = "main.demo"
        version = ["/bin/true"]
        run = ["/bin/true"]
        [install]
        [[install.prepare]]
        creates = "{made}"
        argv = ["/bin/sh", "-c", "mkdir -p {made.parent} && echo x > {made}"]
        [smoke]
        source = ""
        stdin = ""
        expected = ""
        """,
        where="demo.toml",
        toolchains=paths.toolchains,
    )
    umask = os.umask(0o077)
    try:
        assert install([language], paths, apt=False) == ["demo"]
        assert install([language], paths, apt=False) == []  # stamped: nothing to do
    finally:
        os.umask(umask)
    assert made.stat().st_mode & 0o777 == 0o644
    assert made.parent.stat().st_mode & 0o777 == 0o755


def test_the_installer_run_twice_is_quick_the_second_time() -> None:
    """`python -m onelog.toolchains`, as `infra/onelog up` and `test` run it, on the real folder."""
    argv = [sys.executable, "-m", "onelog.toolchains", "--no-apt"]
    first = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr
    started = time.monotonic()
    second = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert second.stderr == "" and took < QUICK_S, (second.stderr, took)
