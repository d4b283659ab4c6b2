"""A judge folder under /tmp works, though the sandbox has a /tmp of its own.

The sandbox mounts a private tmpfs at /tmp; a toolchain at
/tmp/<judge dir>/toolchains is bound read-only on top of it, and a
compile-cache entry under /tmp/<judge dir>/compile-cache is the run's /box
(ONELOG_JUDGE_DIR=/tmp/...). Real bubblewrap, real cgroups; no Kafka, no
Redis, no installed toolchain (a shell-script one).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import load_settings
from streams.judge.judge_dir import JudgeDir
from streams.judge.languages import Language, parse_language
from streams.judge.limits import DEFAULT_LIMITS
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (62_310, 2)  # this module's own uid range

# A "compiler" that copies the source to main.out, and a "runtime" that prints
# it after a line of its own: both scripts under {toolchains}.
DEMO = """
id = "demo"
name = "Demo"
source_file = "main.demo"
version = ["{toolchains}/demo/bin/run", "--version"]
compile = ["{toolchains}/demo/bin/build", "main.demo"]
run = ["{toolchains}/demo/bin/run", "main.out"]
read_only = ["{toolchains}/demo"]
[smoke]
source = "x"
stdin = ""
expected = ""
"""
BUILD = '#!/bin/sh\ncp "$1" main.out\n'
RUN = (
    '#!/bin/sh\necho "demo toolchain at $0"\ncat "$1"\n'
    "echo tmp > /tmp/scratch && cat /tmp/scratch\n"  # the private /tmp is still writable
)


@pytest.fixture
def judge_folder() -> Iterator[Path]:
    """A fresh folder under /tmp for the judge's, as `install -d /tmp/judge1` leaves it (0755)."""
    folder = Path(tempfile.mkdtemp(prefix="fresh-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def install_demo(toolchains: Path) -> Language:
    bin_dir = toolchains / "demo" / "bin"
    bin_dir.mkdir(parents=True)
    for name, script in (("build", BUILD), ("run", RUN)):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    return parse_language(DEMO, where="demo.toml", toolchains=toolchains)


def test_a_toolchain_under_tmp_runs_through_the_real_sandbox(
    sandbox: Sandbox, judge_folder: Path
) -> None:
    toolchains = JudgeDir(judge_folder).toolchains
    language = install_demo(toolchains)
    assert language.read_only == (str(toolchains / "demo"),)
    box = Path(tempfile.mkdtemp(dir=judge_folder))
    box.chmod(0o755)
    (box / "main.out").write_text("hello\n")
    (box / "main.out").chmod(0o644)
    r = sandbox.run(
        language.run,
        workdir=box,
        stdin=b"",
        limits=DEFAULT_LIMITS,
        read_only=[Path(p) for p in language.read_only],
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"demo toolchain at {toolchains}/demo/bin/run\nhello\ntmp\n".encode()


def test_the_judge_dir_under_tmp_holds_the_compile_cache_and_work_dirs(
    sandbox: Sandbox, judge_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONELOG_JUDGE_DIR", str(judge_folder))
    paths = JudgeDir(load_settings().judge_dir)  # as agents.py builds it
    cache = paths.compile_cache
    assert cache.is_relative_to(judge_folder)
    language = install_demo(paths.toolchains)
    toolchain = Toolchain(sandbox, cache)

    built = toolchain.compile(language, "compiled under /tmp\n")
    assert built.ok and not built.cached, built.message
    assert built.workdir.is_relative_to(cache)
    again = toolchain.compile(language, "compiled under /tmp\n")
    assert again.cached and again.workdir == built.workdir

    r = sandbox.run(
        language.run,
        workdir=built.workdir,
        stdin=b"",
        limits=DEFAULT_LIMITS,
        read_only=[Path(p) for p in language.read_only],
        writable_workdir=False,
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1:] == [b"compiled under /tmp", b"tmp"]


def test_the_compile_cache_is_made_reachable_whatever_the_umask(
    sandbox: Sandbox, judge_folder: Path
) -> None:
    paths = JudgeDir(judge_folder)
    language = install_demo(paths.toolchains)
    umask = os.umask(0o077)  # root's on a hardened host
    try:
        built = Toolchain(sandbox, paths.compile_cache).compile(language, "under umask 077\n")
    finally:
        os.umask(umask)
    assert built.ok, built.message
    assert paths.compile_cache.stat().st_mode & 0o777 == 0o755
    r = sandbox.run(
        language.run,
        workdir=built.workdir,
        stdin=b"",
        limits=DEFAULT_LIMITS,
        read_only=[Path(p) for p in language.read_only],
        writable_workdir=False,
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1] == b"under umask 077"
