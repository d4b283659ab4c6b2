"""The compile cache under a small bound, with the real Toolchain, Sandbox and gcc:
least recently used entries go, an entry leased by a run in progress stays and runs."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.judge import compile_cache
from streams.judge.languages import languages
from streams.judge.limits import DEFAULT_LIMITS
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain

UIDS = (64_700, 2)  # this module's own uid range

C = languages()["c"]


def source(n: int) -> str:
    return f'#include <stdio.h>\nint main(void) {{ printf("{n}\\n"); return 0; }}\n'


@pytest.fixture
def cache(sandbox: Sandbox) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="onelog-judge-cache-bound-"))
    folder.chmod(0o755)  # the runs' uids walk it to their /box
    yield folder / "compile-cache"
    shutil.rmtree(folder)


def entry_bytes(sandbox: Sandbox, cache: Path) -> int:
    """What one compiled C entry of `source` weighs here (gcc's binary size varies by host)."""
    probe = Toolchain(sandbox, cache / "probe").compile(C, source(0))
    assert probe.ok, probe.message
    return compile_cache.tree_size(probe.workdir)


def test_a_small_bound_keeps_the_recent_and_the_leased(sandbox: Sandbox, cache: Path) -> None:
    size = entry_bytes(sandbox, cache)
    # Room for two and a half entries; no grace, so only the leases protect.
    toolchain = Toolchain(sandbox, cache / "bounded", bound_bytes=size * 5 // 2, grace_s=0)

    running = toolchain.compile(C, source(1))  # a submission still running its tests
    assert running.ok and not running.cached
    released = []
    for n in (2, 3, 4, 5):
        built = toolchain.compile(C, source(n))
        assert built.ok and not built.cached
        built.release()  # its runs are over
        released.append(built)
        toolchain.settle()  # eviction runs beside the verdict's path

    listed = compile_cache.list_entries(cache / "bounded")
    kept = {Path(e.path) for e in listed}
    # The leased entry outlived four publishes past the bound, and still runs.
    assert running.workdir in kept
    result = sandbox.run(
        C.run, workdir=running.workdir, stdin=b"", limits=DEFAULT_LIMITS, writable_workdir=False
    )
    assert result.exit_code == 0 and result.stdout == b"1\n"
    # Besides it, only the most recent fit: 2 and 3 went first, least recently used.
    assert released[0].workdir not in kept and released[1].workdir not in kept
    assert released[3].workdir in kept
    assert sum(e.size_bytes for e in listed) <= size * 5 // 2

    running.release()
    assert toolchain.compile(C, source(5)).cached  # a hit: kept
    assert not toolchain.compile(C, source(2)).cached  # evicted: compiled again
    toolchain.settle()
    # The last publish could evict the entry whose lease has ended.
    after = compile_cache.list_entries(cache / "bounded")
    assert running.workdir not in {Path(e.path) for e in after}
