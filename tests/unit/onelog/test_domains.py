"""Every domain declares what it brings to the `onelog` command, and `up`
prints the sample requests under the labels its --json has always had."""

from __future__ import annotations

import shlex

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
        "feed_member_curl",
        "feed_second_member_curl",
        "feed_follow_curl",
        "feed_post_curl",
        "feed_timeline_curl",
        "music_plays_curl",
        "music_charts_curl",
        "music_search_curl",
        "music_playlist_create_curl",
        "music_playlist_add_curl",
        "music_playlist_curl",
    ]
    for _, curl in samples:
        command, _s, _x, method, url = shlex.split(curl)[:5]
        assert (command, method) in {("curl", "POST"), ("curl", "PUT"), ("curl", "GET")}
        assert url.startswith("http://gw/v1/")


def test_the_order_audit_is_a_subcommand() -> None:
    args = build_parser().parse_args(["audit", "order", "o-1", "--json"])
    assert args.order_id == "o-1" and args.json
