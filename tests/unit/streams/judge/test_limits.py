"""Limits and their layering, and the rlimits and bubblewrap options made from them: pure."""

from __future__ import annotations

import itertools
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.judge.bubblewrap import BOX, bwrap_argv
from streams.judge.limits import (
    CEILING,
    DEFAULT_LIMITS,
    LimitOverrides,
    Limits,
    effective_limits,
)
from streams.judge.rlimits import BUBBLEWRAP_PROCESSES, prlimit_prefix, rlimits_for

NAMES = [f.name for f in fields(Limits)]
overrides = st.builds(LimitOverrides, **{name: st.none() | st.integers(1, 10**7) for name in NAMES})


def test_defaults_are_judge0s() -> None:
    assert (
        Limits(
            cpu_time_ms=5_000,
            wall_time_ms=10_000,
            memory_kb=262_144,
            processes=64,
            file_size_kb=1024,
            open_files=64,
            output_kb=64,
        )
        == DEFAULT_LIMITS
    )


def test_lowered_to_takes_the_lower_of_each() -> None:
    lowered = DEFAULT_LIMITS.lowered_to(LimitOverrides(cpu_time_ms=1_000, memory_kb=10**9))
    assert lowered.cpu_time_ms == 1_000
    assert lowered.memory_kb == DEFAULT_LIMITS.memory_kb  # a request cannot raise
    assert lowered.wall_time_ms == DEFAULT_LIMITS.wall_time_ms  # untouched


def test_set_to_may_raise_up_to_the_ceiling() -> None:
    java = DEFAULT_LIMITS.set_to(LimitOverrides(memory_kb=512 * 1024, processes=10**6))
    assert java.memory_kb == 512 * 1024
    assert java.processes == CEILING.processes


def test_layers_apply_language_then_problem_then_request() -> None:
    limits = effective_limits(
        language=LimitOverrides(memory_kb=512 * 1024, cpu_time_ms=8_000),
        problem=LimitOverrides(cpu_time_ms=2_000),
        request=LimitOverrides(cpu_time_ms=3_000, wall_time_ms=4_000, memory_kb=100_000),
    )
    assert limits.cpu_time_ms == 2_000  # the problem's; the request may not raise it
    assert limits.wall_time_ms == 4_000
    assert limits.memory_kb == 100_000


@given(base=overrides, request=overrides)
def test_a_request_never_raises_any_limit(base: LimitOverrides, request: LimitOverrides) -> None:
    trusted = DEFAULT_LIMITS.set_to(base)
    lowered = trusted.lowered_to(request)
    for name in NAMES:
        assert getattr(lowered, name) <= getattr(trusted, name)
        wanted = getattr(request, name)
        if wanted is not None:
            assert getattr(lowered, name) == min(wanted, getattr(trusted, name))


@given(layer=overrides)
def test_no_trusted_layer_passes_the_ceiling(layer: LimitOverrides) -> None:
    limits = DEFAULT_LIMITS.set_to(layer)
    for name in NAMES:
        assert getattr(limits, name) <= getattr(CEILING, name)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "5"])
def test_limits_are_positive_integers(bad: object) -> None:
    with pytest.raises(ValueError, match="cpu_time_ms"):
        LimitOverrides(cpu_time_ms=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cpu_time_ms"):
        Limits(cpu_time_ms=bad)  # type: ignore[arg-type]


def test_rlimits_with_a_memory_cgroup_leave_memory_to_it() -> None:
    table = rlimits_for(DEFAULT_LIMITS, memory_cgroup=True)
    assert "data" not in table and "as" not in table
    assert table["cpu"] == (5, 6)  # SIGXCPU at the limit, SIGKILL a second later
    assert table["fsize"] == (1024 * 1024, 1024 * 1024)
    assert table["nofile"] == (64, 64)
    assert table["nproc"] == (64 + BUBBLEWRAP_PROCESSES,) * 2
    assert table["core"] == (0, 0)


def test_rlimits_without_a_cgroup_bound_data() -> None:
    table = rlimits_for(Limits(cpu_time_ms=1_500, memory_kb=1024), memory_cgroup=False)
    assert table["data"] == (1024 * 1024, 1024 * 1024)
    assert table["cpu"] == (2, 3)  # whole seconds, rounded up
    assert "stack" not in table


def test_prlimit_prefix_ends_before_the_command() -> None:
    prefix = prlimit_prefix(DEFAULT_LIMITS, memory_cgroup=True)
    assert prefix[0] == "/usr/bin/prlimit" and prefix[-1] == "--"
    assert "--nofile=64:64" in prefix


def test_bwrap_isolates_and_binds_only_what_it_should() -> None:
    argv = bwrap_argv(
        workdir=Path("/srv/box"),
        writable_workdir=False,
        read_only=[Path("/opt/jdk")],
        tmp_size_kb=1024,
        block_fd=8,
        info_fd=9,
    )
    assert argv[-1] == "--"
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--clearenv"):
        assert flag in argv
    assert "--share-net" not in argv
    pairs = list(itertools.pairwise(argv))
    assert ("/srv/box", BOX) in pairs
    assert "--bind" not in argv  # a read-only work dir: nothing of the host is writable
    sources = [argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"]
    assert sorted(sources) == ["/opt/jdk", "/srv/box", "/usr"]  # nothing else of the host
    assert ("--block-fd", "8") in pairs and ("--info-fd", "9") in pairs
