"""The member stage's wiring: its inputs and changelog, and the rules it
decides by (given, or ONELOG_FEED_*'s read once at the first record)."""

from __future__ import annotations

import pytest

from schemas.feed import PublishPost
from schemas.feed.topics import FEED_COMMANDS, FEED_GRAPH, FEED_MEMBER_CHANGELOG
from streams.feed import STREAMS
from streams.feed.member_decide import new_state
from streams.feed.member_stage import MEMBER_STAGE, configured_rules, member_stage
from streams.feed.member_state import MemberRules
from tests.unit.streams.feed.member_driver import Driver


def _too_long_at(stage_rules: MemberRules | None, chars: int) -> bool:
    stage = member_stage(stage_rules)
    state = new_state("ann")
    state.handle = "ann"
    payload = {"member": "ann", "post_id": "p1", "text": "x" * chars}
    post = Driver().seal(PublishPost, payload, "ann")
    return any(p.get("reason") == "too_long" for _, p in stage.decide(state, post))


def test_the_stage_reads_commands_and_hops_and_is_in_streams() -> None:
    assert MEMBER_STAGE.name == "feed.member-stage"
    assert MEMBER_STAGE.inputs == (FEED_COMMANDS, FEED_GRAPH)
    assert MEMBER_STAGE.changelog == FEED_MEMBER_CHANGELOG
    assert MEMBER_STAGE in STREAMS.stages


def test_given_rules_are_decided_by() -> None:
    assert _too_long_at(MemberRules(post_max_chars=10), 11)
    assert not _too_long_at(MemberRules(post_max_chars=10), 10)


def test_the_configured_rules_are_read_once_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configured_rules.cache_clear()
    monkeypatch.setenv("ONELOG_FEED_POST_MAX_CHARS", "10")
    try:
        assert _too_long_at(None, 11)
        monkeypatch.setenv("ONELOG_FEED_POST_MAX_CHARS", "100")
        assert _too_long_at(None, 11), "read once: a later change is not seen"
    finally:
        configured_rules.cache_clear()
