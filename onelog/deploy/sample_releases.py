"""What `onelog up` gives the deployment system so that one curl deploys
something: the sample service "hello" on two hosts in every region, and two
releases of it built from the sample repository (a healthy commit and one
whose health check fails, which the canary rolls back).

Pure: which records a fresh log needs, given what it already holds. The
writing and the waiting are in publish.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from schemas.deploy.records import BuildRelease, SetServiceHosts
from schemas.envelope import Record

SERVICE = "hello"
GOOD_RELEASE = "hello-good"
BAD_RELEASE = "hello-bad"
GOOD_VERSION = "1.0.0"
BAD_VERSION = "1.1.0-unhealthy"
HOSTS_PER_REGION = 2
# Who wrote these records, as their `actor` and producer say.
ACTOR = "onelog-up"


@dataclass(frozen=True)
class SampleRelease:
    release_id: str
    version: str
    commit: str


def sample_releases(good_commit: str, bad_commit: str) -> tuple[SampleRelease, SampleRelease]:
    return (
        SampleRelease(GOOD_RELEASE, GOOD_VERSION, good_commit),
        SampleRelease(BAD_RELEASE, BAD_VERSION, bad_commit),
    )


def host_id(region: str, index: int) -> str:
    """Host ids unique across the service: hello-us-east-1, hello-us-east-2, ..."""
    return f"{SERVICE}-{region}-{index}"


def sample_hosts(regions: Sequence[str]) -> list[dict[str, str]]:
    return [
        {"region": region, "host_id": host_id(region, index)}
        for region in regions
        for index in range(1, HOSTS_PER_REGION + 1)
    ]


def missing_records(
    already: Iterable[Record],
    regions: Sequence[str],
    repo: str,
    releases: Sequence[SampleRelease],
) -> list[tuple[type[Record], dict[str, Any]]]:
    """The records still to write, so that two `up`s write them once.

    Hosts are set only if nobody ever set or registered hello's hosts: an
    operator's later change is not undone by the next `up`. A release is
    asked for once per release id, whatever became of its build.
    """
    hosts_set = False
    asked: set[str] = set()
    for record in already:
        if isinstance(record, SetServiceHosts) and record.service == SERVICE:
            hosts_set = True
        elif isinstance(record, BuildRelease) and record.service == SERVICE:
            asked.add(record.release_id)
    wanted: list[tuple[type[Record], dict[str, Any]]] = []
    if not hosts_set:
        wanted.append(
            (SetServiceHosts, {"service": SERVICE, "hosts": sample_hosts(regions), "actor": ACTOR})
        )
    for release in releases:
        if release.release_id in asked:
            continue
        wanted.append(
            (
                BuildRelease,
                {
                    "release_id": release.release_id,
                    "service": SERVICE,
                    "version": release.version,
                    "repo": repo,
                    "commit": release.commit,
                    "actor": ACTOR,
                },
            )
        )
    return wanted
