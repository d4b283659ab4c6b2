"""What `up` publishes for the deployment system: once, whatever runs twice."""

from __future__ import annotations

from typing import Any

from onelog.deploy.sample_releases import (
    BAD_RELEASE,
    GOOD_RELEASE,
    missing_records,
    sample_hosts,
    sample_releases,
)
from schemas.deploy.records import BuildRelease, SetServiceHosts
from schemas.envelope import Record
from streams.sealing import seal_command

REGIONS = ("us-east", "eu-west")
RELEASES = sample_releases("a" * 40, "b" * 40)


def _sealed(wanted: list[tuple[type[Record], dict[str, Any]]]) -> list[Record]:
    return [seal_command(model, fields, producer="test") for model, fields in wanted]


def test_a_fresh_log_gets_the_hosts_and_both_builds() -> None:
    wanted = missing_records([], REGIONS, "/repo", RELEASES)
    assert [model for model, _ in wanted] == [SetServiceHosts, BuildRelease, BuildRelease]
    assert [fields["release_id"] for _, fields in wanted[1:]] == [GOOD_RELEASE, BAD_RELEASE]
    assert [fields["commit"] for _, fields in wanted[1:]] == ["a" * 40, "b" * 40]
    # Every record is valid as its model says (sealing validates).
    assert len(_sealed(wanted)) == 3


def test_two_hosts_in_every_region_with_ids_unique_across_the_service() -> None:
    hosts = sample_hosts(REGIONS)
    assert hosts == [
        {"region": "us-east", "host_id": "hello-us-east-1"},
        {"region": "us-east", "host_id": "hello-us-east-2"},
        {"region": "eu-west", "host_id": "hello-eu-west-1"},
        {"region": "eu-west", "host_id": "hello-eu-west-2"},
    ]


def test_a_second_up_writes_nothing() -> None:
    first = _sealed(missing_records([], REGIONS, "/repo", RELEASES))
    assert missing_records(first, REGIONS, "/repo", RELEASES) == []


def test_hosts_an_operator_set_are_not_undone() -> None:
    theirs = seal_command(
        SetServiceHosts,
        {"service": "hello", "hosts": [{"region": "us-east", "host_id": "h"}], "actor": "op"},
        producer="test",
    )
    wanted = missing_records([theirs], REGIONS, "/repo", RELEASES)
    assert SetServiceHosts not in [model for model, _ in wanted]


def test_another_services_records_do_not_count() -> None:
    other = seal_command(
        BuildRelease,
        {
            "release_id": GOOD_RELEASE,
            "service": "other",
            "version": "1",
            "repo": "/r",
            "commit": "c" * 40,
            "actor": "x",
        },
        producer="test",
    )
    assert len(missing_records([other], REGIONS, "/repo", RELEASES)) == 3
