"""Every domain declares what it brings to the `onelog` command, and `up`
prints the sample requests under the labels its --json has always had."""

from __future__ import annotations

from infra.domains import DOMAINS
from onelog.cli import build_parser
from onelog.domain import cli_domains


def test_every_domain_declares_its_part_of_the_command() -> None:
    assert tuple(d.name for d in cli_domains()) == DOMAINS


def test_up_prints_a_sample_request_of_each_domain_under_its_label() -> None:
    samples = [
        (label, curl)
        for d in cli_domains()
        for label, curl in d.samples("http://gw", "k.s").items()
    ]
    assert [label for label, _ in samples] == [
        "curl",
        "judge_curl",
        "deploy_curl",
        "deploy_rollback_curl",
    ]
    assert all(curl.startswith("curl -s -X POST http://gw/v1/") for _, curl in samples)


def test_the_order_audit_is_a_subcommand() -> None:
    args = build_parser().parse_args(["audit", "order", "o-1", "--json"])
    assert args.order_id == "o-1" and args.json
