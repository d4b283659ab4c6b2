"""A deployment's waves: which hosts change, in which order, how many at once.

Vocabulary (docs/deploy.md):

- a *wave* is the unit between gates: the orchestrator waits for every host of
  a wave to finish (bake time, then the approval gate if the wave asks for
  one) before it starts the next;
- a *step* is the hosts of a wave that are taken down together; the next step
  of a wave starts when every host of this one is healthy again.

`max_unavailable` bounds a step across the *whole service*, not per region:
with "all at once" every region changes at the same time, and the promise an
operator can rely on is "never more than N hosts of this service down". A
per-region bound follows from it.

Pure: no I/O, no clock. The plan depends only on the set of hosts and the
strategy, never on the order the hosts are given in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Rollout(StrEnum):
    """How the hosts after the canary are grouped into waves."""

    REGION_BY_REGION = "region_by_region"
    ALL_AT_ONCE = "all_at_once"


@dataclass(frozen=True, order=True)
class Host:
    """One host of a service; `host_id` is unique across the service."""

    region: str
    host_id: str


@dataclass(frozen=True)
class Strategy:
    """How to roll a release out.

    `region_order` lists the regions in the order they change; empty means
    alphabetical. When given, it must name every region that has hosts
    (regions without hosts are skipped). `approval_after_canary` puts the
    four-eyes gate before the first wave after the canary.
    """

    rollout: Rollout
    max_unavailable: int
    canary: bool = True
    region_order: tuple[str, ...] = ()
    approval_after_canary: bool = False

    def __post_init__(self) -> None:
        # bool is an int; True as "1 host" would be a silent typo.
        if isinstance(self.max_unavailable, bool) or self.max_unavailable < 1:
            raise ValueError(f"max_unavailable must be >= 1, not {self.max_unavailable!r}")
        if len(set(self.region_order)) != len(self.region_order):
            raise ValueError(f"region_order names a region twice: {self.region_order!r}")
        if self.approval_after_canary and not self.canary:
            raise ValueError("approval_after_canary needs a canary")


@dataclass(frozen=True)
class Wave:
    """Hosts changed between two gates, as steps taken one after another.

    `needs_approval`: the orchestrator waits at a gate for an approval
    (streams/deploy/approval.py) before this wave starts.
    """

    name: str
    steps: tuple[tuple[Host, ...], ...]
    is_canary: bool = False
    needs_approval: bool = False

    @property
    def hosts(self) -> tuple[Host, ...]:
        return tuple(host for step in self.steps for host in step)


def plan_waves(hosts: Iterable[Host], strategy: Strategy) -> tuple[Wave, ...]:
    """The waves that take every host of the service to a new release.

    Contract: every host lies in exactly one step of exactly one wave; the
    canary wave (first, if the strategy asks for one) holds exactly one host,
    the first host of the first region; no step holds more than
    `max_unavailable` hosts; the same set of hosts and strategy give the same
    plan. No hosts give no waves. Raises `ValueError` for a host id used
    twice or a `region_order` that leaves out a region with hosts.
    """
    by_region = _hosts_by_region(hosts)
    regions = _region_order(by_region, strategy.region_order)
    if not regions:
        return ()
    waves: list[Wave] = []
    if strategy.canary:
        first = regions[0]
        canary, *rest = by_region[first]
        waves.append(Wave(name=f"canary:{canary.host_id}", steps=((canary,),), is_canary=True))
        by_region[first] = rest
    remaining = [(region, by_region[region]) for region in regions if by_region[region]]
    if strategy.rollout is Rollout.REGION_BY_REGION:
        waves.extend(
            Wave(name=f"region:{region}", steps=_steps(region_hosts, strategy.max_unavailable))
            for region, region_hosts in remaining
        )
    elif remaining:
        everyone = [host for _, region_hosts in remaining for host in region_hosts]
        waves.append(Wave(name="all", steps=_steps(everyone, strategy.max_unavailable)))
    if strategy.approval_after_canary and len(waves) > 1:
        after = waves[1]
        waves[1] = Wave(name=after.name, steps=after.steps, needs_approval=True)
    return tuple(waves)


def _hosts_by_region(hosts: Iterable[Host]) -> dict[str, list[Host]]:
    by_region: dict[str, list[Host]] = {}
    seen: set[str] = set()
    for host in sorted(hosts):
        if host.host_id in seen:
            raise ValueError(f"host {host.host_id!r} is listed twice")
        seen.add(host.host_id)
        by_region.setdefault(host.region, []).append(host)
    return by_region


def _region_order(by_region: dict[str, list[Host]], order: tuple[str, ...]) -> list[str]:
    if not order:
        return sorted(by_region)
    missing = sorted(set(by_region) - set(order))
    if missing:
        raise ValueError(f"region_order leaves out regions with hosts: {missing}")
    return [region for region in order if region in by_region]


def _steps(hosts: list[Host], max_unavailable: int) -> tuple[tuple[Host, ...], ...]:
    return tuple(
        tuple(hosts[start : start + max_unavailable])
        for start in range(0, len(hosts), max_unavailable)
    )
