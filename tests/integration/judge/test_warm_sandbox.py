"""The warm path (streams/judge/warm_sandbox.py): the hostile suite's Python cases, each
followed by an honest test in the same submission's sandbox, which must run clean and
warm; tests that leave nothing to the next; the same results as the cold path.

Needs root and /usr/bin/bwrap; no Kafka, no Redis.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.judge.limits import LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.warm_sandbox import WARM_ENV, submission_runs
from tests.integration.judge.conftest import live_processes_of
from tests.integration.judge.test_hostile import (
    BASE,
    CONNECT,
    FORK_BOMB,
    GIGANTIC_OUTPUT,
    INFINITE_LOOP,
    MEMORY_BOMB,
    OUTLIVE,
    SLEEP_FOREVER,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (64_500, 8)  # this module's own uid range
ARGV = ("/usr/bin/python3", "-B", "main.py")
# Prints its parent: a warm test's parent is the fork server, a cold run's is
# bubblewrap's pid 1; and what an earlier test might have left behind.
HONEST = (
    "import os, sys\n"
    "print(sum(map(int, sys.stdin.read().split())), os.getppid(),"
    " sorted(os.listdir('/tmp')), 'leftover' in globals())\n"
)

Program = Callable[[str, bytes, Limits], RunResult]


@pytest.fixture(autouse=True)
def _host_unaffected(sandbox: Sandbox) -> Iterator[None]:
    yield
    assert live_processes_of(range(UIDS[0], UIDS[0] + UIDS[1])) == []
    for group_parent in sandbox.cgroup_parents:
        assert [p.name for p in group_parent.iterdir() if p.is_dir()] == []


@pytest.fixture
def session(sandbox: Sandbox, box: Path) -> Iterator[Program]:
    """One submission's warm sandbox over `box`; each call writes main.py and runs one test."""
    box.chmod(0o755)
    with submission_runs(sandbox, ARGV, workdir=box, read_only=(), limits=BASE) as run:

        def one(source: str, stdin: bytes, limits: Limits) -> RunResult:
            (box / "main.py").write_text(source)
            (box / "main.py").chmod(0o644)
            return run(stdin, limits)

        yield one


def assert_next_test_is_clean(session: Program) -> None:
    r = session(HONEST, b"1 2 3", BASE)
    assert r.exit_code == 0, r
    total, parent, *rest = r.stdout.decode().split(" ", 2)
    assert total == "6" and parent != "1", r  # run warm, by the server
    assert rest == ["[] False\n"], r  # nothing of the test before


def test_a_plain_test_runs_warm(session: Program) -> None:
    for _ in range(3):
        assert_next_test_is_clean(session)


def test_each_test_starts_from_nothing_its_predecessor_left(session: Program) -> None:
    litter = (
        "import os\nleftover = 1\nglobals()['leftover'] = 1\n"
        "open('/tmp/note', 'w').write('hidden input')\nos.mkdir('/tmp/d')\n"
        "open('/dev/shm/x', 'w').write('x')\n"
    )
    assert session(litter, b"", BASE).exit_code == 0
    assert_next_test_is_clean(session)


def test_fork_bomb(session: Program) -> None:
    limits = BASE.lowered_to(LimitOverrides(processes=16, wall_time_ms=3_000))
    r = session(FORK_BOMB["python"], b"", limits)
    assert r.wall_limit_hit or r.cpu_limit_hit or r.exit_code not in (0, None)
    assert r.wall_time_ms < 3_000 + 5_000
    assert_next_test_is_clean(session)


def test_memory_bomb(session: Program) -> None:
    limits = BASE.lowered_to(LimitOverrides(memory_kb=128 * 1024, wall_time_ms=10_000))
    r = session(MEMORY_BOMB["python"], b"", limits)
    assert r.memory_limit_hit, r
    assert not r.wall_limit_hit and r.exit_code is None
    assert_next_test_is_clean(session)


def test_infinite_loop(session: Program) -> None:
    r = session(INFINITE_LOOP["python"], b"", Limits(cpu_time_ms=1_000, wall_time_ms=20_000))
    assert r.cpu_limit_hit and not r.wall_limit_hit, r
    assert r.exit_code is None
    assert_next_test_is_clean(session)


def test_sleeping_forever(session: Program) -> None:
    limits = BASE.lowered_to(LimitOverrides(wall_time_ms=1_000))
    r = session(SLEEP_FOREVER["python"], b"", limits)
    assert r.wall_limit_hit and not r.cpu_limit_hit
    assert r.signal == 9 and 1_000 <= r.wall_time_ms < 6_000
    assert_next_test_is_clean(session)


def test_network_connect_fails(session: Program) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        r = session(CONNECT["python"], str(listener.getsockname()[1]).encode(), BASE)
        assert b"connected" not in r.stdout and r.stdout.startswith(b"failed"), r
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert_next_test_is_clean(session)


def test_a_background_child_dies_with_the_test(session: Program, box: Path) -> None:
    box.chmod(0o777)  # the child would write /box/late; the mount is read-only anyway
    r = session(OUTLIVE["python"], b"", BASE)
    assert r.stdout == b"parent done\n" and r.exit_code == 0, r
    assert_next_test_is_clean(session)
    assert not (box / "late").exists()


def test_gigantic_output_is_capped(session: Program) -> None:
    limits = BASE.lowered_to(LimitOverrides(wall_time_ms=20_000))
    r = session(GIGANTIC_OUTPUT["python"], b"", limits)
    assert r.output_truncated and len(r.stdout) == 64 * 1024
    assert not r.wall_limit_hit and r.wall_time_ms < 5_000
    assert r.exit_code is None and r.signal == 9
    assert_next_test_is_clean(session)


def test_killing_the_server_costs_only_the_warm_path(session: Program) -> None:
    # The test's child may signal its parent (same uid): the test is rerun cold.
    r = session("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('done')\n",
                b"", BASE)  # fmt: skip
    assert r.exit_code == 0 and r.stdout == b"done\n", r
    r = session(HONEST, b"1 2", BASE)
    assert r.stdout.startswith(b"3 1 "), r  # cold from now on: bubblewrap's pid 1 is the parent


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n",
        "def f():\n    raise ValueError('bad input')\nf()\n",
        "import sys\nsys.exit('a message')\n",
        "import atexit\natexit.register(lambda: print('at exit'))\nprint(input())\n",
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('late'))).start()\n",
        "import sys\nsys.stdout.write('no newline')\n",
    ],
)
def test_same_result_as_the_cold_path(
    sandbox: Sandbox, box: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    box.chmod(0o755)
    (box / "main.py").write_text(source)
    (box / "main.py").chmod(0o644)
    results = []
    for warm in ("1", "0"):
        monkeypatch.setenv(WARM_ENV, warm)
        with submission_runs(sandbox, ARGV, workdir=box, read_only=(), limits=BASE) as run:
            results.append(run(b"echo\n", BASE))
    warm_result, cold_result = results
    assert (warm_result.exit_code, warm_result.signal, warm_result.stdout) == (
        cold_result.exit_code, cold_result.signal, cold_result.stdout,
    )  # fmt: skip
    assert warm_result.stderr.replace(b"/box/", b"") == cold_result.stderr.replace(b"/box/", b"")
