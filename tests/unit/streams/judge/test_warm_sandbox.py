"""The warm path's pure parts: which argv it serves, the child's rlimits, the uid drop."""

from __future__ import annotations

import resource

from streams.judge.limits import Limits
from streams.judge.rlimits import rlimits_for
from streams.judge.uids import setpriv_prefix
from streams.judge.warm_sandbox import _child_rlimits, servable


def test_only_debians_python_with_a_script_is_served_warm() -> None:
    assert servable(("/usr/bin/python3", "-B", "harness.py", "binarySearch"))
    assert servable(("/usr/bin/python3", "-B", "main.py"))
    assert not servable(("/usr/bin/python3", "main.py"))  # no -B: not the language table's argv
    assert not servable(("/usr/bin/node", "main.js"))
    assert not servable(("/usr/bin/python3", "-B", "-c", "print(1)"))


def test_the_child_gets_a_cold_runs_rlimits_with_room_for_the_server() -> None:
    limits = Limits(cpu_time_ms=2_500, processes=10)
    cold = rlimits_for(limits, memory_cgroup=True)
    child = {number: (soft, hard) for number, soft, hard in _child_rlimits(limits)}
    assert child[resource.RLIMIT_CPU] == cold["cpu"] == (3, 4)
    assert child[resource.RLIMIT_NPROC] == (cold["nproc"][0] + 1, cold["nproc"][1] + 1)
    assert child[resource.RLIMIT_FSIZE] == cold["fsize"]
    assert len(child) == len(cold)


def test_setpriv_drops_to_the_uid_and_no_groups_then_execs_the_rest() -> None:
    assert setpriv_prefix(61_003) == [
        "/usr/bin/setpriv", "--reuid=61003", "--regid=61003", "--clear-groups", "--",
    ]  # fmt: skip
