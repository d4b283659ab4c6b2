"""The feed's part of the command: its sample curls, its audit, its loader."""

from __future__ import annotations

import json
import shlex

from onelog.cli import build_parser
from onelog.feed import CLI


def test_the_sample_curls_create_two_members_follow_post_and_read() -> None:
    samples = CLI.samples("http://gw", "k.s")
    assert list(samples) == [
        "feed_member_curl",
        "feed_second_member_curl",
        "feed_follow_curl",
        "feed_post_curl",
        "feed_timeline_curl",
    ]
    words = {label: shlex.split(curl) for label, curl in samples.items()}
    assert words["feed_member_curl"][3:5] == ["PUT", "http://gw/v1/feed/members/alice"]
    assert json.loads(words["feed_follow_curl"][-1]) == {"other": "alice"}
    assert words["feed_follow_curl"][4] == "http://gw/v1/feed/members/bob/follows"
    assert words["feed_post_curl"][4] == "http://gw/v1/feed/members/alice/posts"
    timeline = words["feed_timeline_curl"]
    assert timeline[3] == "GET" and "-d" not in timeline
    assert timeline[4].startswith("http://gw/v1/feed/members/bob/timeline?")
    assert all("Authorization: Bearer k.s" in curl for curl in samples.values())


def test_audit_post_and_load_graph_are_commands() -> None:
    parser = build_parser()
    audit = parser.parse_args(["audit", "post", "01JX", "--json"])
    assert audit.post_id == "01JX" and audit.json
    load = parser.parse_args(["feed", "load-graph", "--members", "500", "--seed", "3"])
    assert (load.members, load.seed, load.posts_per_member, load.key) == (500, 3, 1, None)
