"""The sandbox's essentials in every language of the table: fork, memory, time, network.

Each language's `[hostile]` table (streams/judge/languages/<id>.toml) holds
its own attempts, compiled with its own compile argv as a learner's source
is, and run under its own run argv and limits, lowered for the attempt:

- `fork`: prints a line `forking` (flushed) and then forks without end.
  Processes limit 16, wall 3 s: it must end by a limit or a refused fork, and
  no process of the run's uids may live after it.
- `memory`: allocates and touches memory without end. 128 MB: Memory Limit.
- `time`: loops on the CPU without end. 1 s of CPU: Time Limit by CPU.
- `network`: reads a port from stdin, connects to 127.0.0.1:<port> (a
  listener on the host) and prints `connected` if it got through, or a line
  starting `failed` if not. The failure marker must show, the success one never.

Every language declares `time` and `memory`. A language that cannot express
`fork` or `network` is named in `CANNOT` with the reason, and the table must
lack exactly those. The smoke program of every language runs in
test_languages_run.py (test_smoke_reads_stdin_and_sums), parametrised the
same way. Needs root, bubblewrap and the toolchains (`python -m
onelog.toolchains`); no Kafka, no Redis.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.judge.languages import HOSTILE_KINDS, Language, languages
from streams.judge.limits import DEFAULT_LIMITS, LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.toolchain import Toolchain
from tests.integration.judge.conftest import live_processes_of

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (64_300, 8)  # this module's own uid range

# Language id -> (the essentials it cannot express, why). Only fork and
# network may be missing; the table must lack exactly these.
CANNOT: dict[str, tuple[frozenset[str], str]] = {
    "lua": (frozenset({"network"}), "Lua's standard library has no sockets"),
    "sqlite": (frozenset({"network"}), "SQL on SQLite cannot open a connection"),
}
REQUIRED = ("time", "memory")

FORK_LIMITS = LimitOverrides(processes=16, wall_time_ms=3_000)
MEMORY_LIMITS = LimitOverrides(memory_kb=128 * 1024, wall_time_ms=15_000)
TIME_LIMITS = LimitOverrides(cpu_time_ms=1_000, wall_time_ms=20_000)
NETWORK_LIMITS = LimitOverrides(wall_time_ms=10_000)


def _having(kind: str) -> list[str]:
    return sorted(i for i, language in languages().items() if kind in language.hostile)


@pytest.fixture(autouse=True)
def _host_unaffected(sandbox: Sandbox) -> Iterator[None]:
    """After each attempt: no live process of this module's uids, no run's cgroup left."""
    yield
    assert live_processes_of(range(UIDS[0], UIDS[0] + UIDS[1])) == []
    for parent in sandbox.cgroup_parents:
        assert [p.name for p in parent.iterdir() if p.is_dir()] == []
    assert os.system("true") == 0  # the host can still fork


def _attempt(
    sandbox: Sandbox,
    toolchain: Toolchain,
    language_id: str,
    kind: str,
    overrides: LimitOverrides,
    stdin: bytes = b"",
) -> RunResult:
    """The `kind` attempt compiled as a learner's source, run under its limits lowered."""
    language = languages()[language_id]
    for path in language.read_only:
        assert Path(path).exists(), f"{path} missing: run `python -m onelog.toolchains`"
    compiled = toolchain.compile(language, language.hostile[kind])
    assert compiled.ok, compiled.message
    return sandbox.run(
        language.run,
        workdir=compiled.workdir,
        stdin=stdin,
        limits=_run_limits(language).lowered_to(overrides),
        read_only=[Path(p) for p in language.read_only],
        writable_workdir=False,
    )


def _run_limits(language: Language) -> Limits:
    return DEFAULT_LIMITS.set_to(language.limits)


def _lines(result: RunResult) -> list[str]:
    return result.stdout.decode(errors="replace").splitlines()


def test_every_language_declares_time_and_memory() -> None:
    lacking = {
        (language_id, kind)
        for language_id, language in languages().items()
        for kind in REQUIRED
        if kind not in language.hostile
    }
    assert lacking == set()


def test_the_languages_without_fork_or_network_are_exactly_those_named() -> None:
    lacking = {
        (language_id, kind)
        for language_id, language in languages().items()
        for kind in HOSTILE_KINDS
        if kind not in language.hostile
    }
    named = {(language_id, kind) for language_id, (kinds, _) in CANNOT.items() for kind in kinds}
    assert lacking == named
    assert all(kinds <= {"fork", "network"} and why for kinds, why in CANNOT.values())


@pytest.mark.parametrize("language_id", _having("fork"))
def test_fork_without_end_is_held(sandbox: Sandbox, toolchain: Toolchain, language_id: str) -> None:
    r = _attempt(sandbox, toolchain, language_id, "fork", FORK_LIMITS)
    assert "forking" in _lines(r), r  # it started: what ended it was the sandbox
    ended_by_limit = r.wall_limit_hit or r.cpu_limit_hit or r.memory_limit_hit
    refused = r.exit_code != 0 or any(line.startswith("refused") for line in _lines(r))
    assert ended_by_limit or refused, r
    assert r.wall_time_ms < 3_000 + 5_000  # the wall clock ended it, whatever it did


@pytest.mark.parametrize("language_id", _having("memory"))
def test_memory_without_end_is_memory_limit(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    r = _attempt(sandbox, toolchain, language_id, "memory", MEMORY_LIMITS)
    assert r.memory_limit_hit, r
    assert not r.wall_limit_hit and r.exit_code != 0, r


@pytest.mark.parametrize("language_id", _having("time"))
def test_a_loop_without_end_is_cpu_limit(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    r = _attempt(sandbox, toolchain, language_id, "time", TIME_LIMITS)
    assert r.cpu_limit_hit and not r.wall_limit_hit, r
    assert r.exit_code is None, r


@pytest.mark.parametrize("language_id", _having("network"))
def test_connecting_out_fails(sandbox: Sandbox, toolchain: Toolchain, language_id: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        r = _attempt(sandbox, toolchain, language_id, "network", NETWORK_LIMITS, str(port).encode())
        lines = _lines(r)
        assert not any(line.startswith("connected") for line in lines), r
        assert lines and lines[0].startswith("failed"), r
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever reached the host
