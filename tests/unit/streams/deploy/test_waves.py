"""Wave planning: examples per strategy, and properties over any set of hosts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.deploy.waves import Host, Rollout, Strategy, Wave, plan_waves

HOSTS = [
    Host("eu", "eu-2"),
    Host("us", "us-1"),
    Host("eu", "eu-1"),
    Host("ap", "ap-1"),
    Host("eu", "eu-3"),
    Host("us", "us-2"),
]


def ids(wave: Wave) -> list[list[str]]:
    return [[host.host_id for host in step] for step in wave.steps]


def test_canary_then_region_by_region_in_the_given_order() -> None:
    strategy = Strategy(
        Rollout.REGION_BY_REGION, max_unavailable=1, region_order=("eu", "us", "ap")
    )
    waves = plan_waves(HOSTS, strategy)
    assert [wave.name for wave in waves] == ["canary:eu-1", "region:eu", "region:us", "region:ap"]
    assert [ids(wave) for wave in waves] == [
        [["eu-1"]],
        [["eu-2"], ["eu-3"]],
        [["us-1"], ["us-2"]],
        [["ap-1"]],
    ]
    assert waves[0].is_canary and not any(wave.is_canary for wave in waves[1:])


def test_canary_then_all_at_once_in_steps_of_max_unavailable() -> None:
    strategy = Strategy(Rollout.ALL_AT_ONCE, max_unavailable=2)
    waves = plan_waves(HOSTS, strategy)
    assert [wave.name for wave in waves] == ["canary:ap-1", "all"]
    assert ids(waves[1]) == [["eu-1", "eu-2"], ["eu-3", "us-1"], ["us-2"]]


def test_without_canary_a_region_whose_only_host_was_the_canary_gets_no_wave() -> None:
    no_canary = plan_waves(
        HOSTS, Strategy(Rollout.REGION_BY_REGION, max_unavailable=5, canary=False)
    )
    assert [wave.name for wave in no_canary] == ["region:ap", "region:eu", "region:us"]
    with_canary = plan_waves(HOSTS, Strategy(Rollout.REGION_BY_REGION, max_unavailable=5))
    assert [wave.name for wave in with_canary] == ["canary:ap-1", "region:eu", "region:us"]


def test_the_approval_gate_stands_before_the_first_wave_after_the_canary() -> None:
    strategy = Strategy(Rollout.REGION_BY_REGION, max_unavailable=1, approval_after_canary=True)
    waves = plan_waves(HOSTS, strategy)
    assert [wave.needs_approval for wave in waves] == [False, True, False]


def test_no_hosts_no_waves() -> None:
    assert plan_waves([], Strategy(Rollout.ALL_AT_ONCE, max_unavailable=1)) == ()


def test_refusals() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        plan_waves([Host("eu", "h"), Host("us", "h")], Strategy(Rollout.ALL_AT_ONCE, 1))
    with pytest.raises(ValueError, match="leaves out"):
        plan_waves(HOSTS, Strategy(Rollout.ALL_AT_ONCE, 1, region_order=("eu", "us")))
    with pytest.raises(ValueError, match="max_unavailable"):
        Strategy(Rollout.ALL_AT_ONCE, 0)
    with pytest.raises(ValueError, match="max_unavailable"):
        Strategy(Rollout.ALL_AT_ONCE, True)
    with pytest.raises(ValueError, match="twice"):
        Strategy(Rollout.ALL_AT_ONCE, 1, region_order=("eu", "eu"))
    with pytest.raises(ValueError, match="canary"):
        Strategy(Rollout.ALL_AT_ONCE, 1, canary=False, approval_after_canary=True)


def test_regions_in_the_order_without_hosts_are_skipped() -> None:
    waves = plan_waves(
        HOSTS, Strategy(Rollout.REGION_BY_REGION, 3, region_order=("sa", "us", "eu", "ap"))
    )
    assert [wave.name for wave in waves] == ["canary:us-1", "region:us", "region:eu", "region:ap"]


REGIONS = ["ap", "eu", "sa", "us", "af"]
host_sets = st.lists(
    st.tuples(st.sampled_from(REGIONS), st.integers(0, 40)),
    unique_by=lambda pair: pair[1],
    max_size=30,
).map(lambda pairs: [Host(region, f"h{number}") for region, number in pairs])
strategies = st.builds(
    Strategy,
    rollout=st.sampled_from(Rollout),
    max_unavailable=st.integers(1, 6),
    canary=st.booleans(),
    region_order=st.permutations(REGIONS).map(tuple) | st.just(()),
)


@given(host_sets, strategies)
def test_every_host_lies_in_exactly_one_wave(hosts: list[Host], strategy: Strategy) -> None:
    planned = [host for wave in plan_waves(hosts, strategy) for host in wave.hosts]
    assert sorted(planned) == sorted(hosts)


@given(host_sets, strategies)
def test_the_canary_wave_has_exactly_one_host_and_comes_first(
    hosts: list[Host], strategy: Strategy
) -> None:
    waves = plan_waves(hosts, strategy)
    canaries = [index for index, wave in enumerate(waves) if wave.is_canary]
    if strategy.canary and hosts:
        assert canaries == [0] and len(waves[0].hosts) == 1
    else:
        assert canaries == []


@given(host_sets, strategies)
def test_no_step_exceeds_max_unavailable(hosts: list[Host], strategy: Strategy) -> None:
    for wave in plan_waves(hosts, strategy):
        assert wave.steps and all(1 <= len(step) <= strategy.max_unavailable for step in wave.steps)


@given(host_sets, strategies)
def test_planning_is_deterministic(hosts: list[Host], strategy: Strategy) -> None:
    assert plan_waves(hosts, strategy) == plan_waves(list(hosts), strategy)


@given(host_sets, strategies, st.randoms(use_true_random=False))
def test_the_order_of_the_hosts_does_not_change_the_plan(
    hosts: list[Host], strategy: Strategy, shuffler: random.Random
) -> None:
    shuffled = list(hosts)
    shuffler.shuffle(shuffled)
    assert plan_waves(shuffled, strategy) == plan_waves(hosts, strategy)


@given(host_sets, strategies)
def test_region_by_region_waves_hold_one_region_each(hosts: list[Host], strategy: Strategy) -> None:
    if strategy.rollout is Rollout.REGION_BY_REGION:
        for wave in plan_waves(hosts, strategy):
            assert len({host.region for host in wave.hosts}) == 1
