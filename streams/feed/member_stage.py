"""The feed's member stage on the batched engine (streams/engine).

    feed.commands (key member) ──┐                 ┌─> feed.facts      (key member)
                                 ├─ member ────────┼─> feed.graph      (key other: the hops)
    feed.graph    (key other) ───┘  (per member)   ├─> feed.fanout     (key author/bucket)
                                                   └─> feed.engagement (key post_id)

A member's commands and the hops other members' partitions send it are keyed
by that member, so both land on its partition and are decided in order with
its state. The stage reads feed.graph, which it also writes: a hop is a
record for another key, never this one's output read back (docs/feed.md,
Stages).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from infra.settings import settings
from schemas.envelope import Record
from schemas.feed.records import COMMANDS, GRAPH
from schemas.feed.topics import FEED_COMMANDS, FEED_GRAPH, FEED_MEMBER_CHANGELOG
from streams.engine.stage import Stage
from streams.facts import Fact
from streams.feed import member_decide
from streams.feed.config import feed_settings
from streams.feed.member_log import MemberLog
from streams.feed.member_state import MemberRules, MemberState

NAME = "feed.member-stage"


@cache
def configured_rules() -> MemberRules:
    """The rules of ONELOG_FEED_*, read once, at the first record decided
    (not at import: the CLI and tests import the stage before configuring)."""
    return feed_settings(settings()).rules


def _decide_by_configured_rules(state: MemberState, record: Record) -> list[Fact]:
    return member_decide.decide(state, record, configured_rules())


def member_stage(rules: MemberRules | None = None) -> Stage:
    """The member stage deciding by `rules`, or by ONELOG_FEED_*'s when None."""
    decide: Callable[[MemberState, Record], list[Fact]] = _decide_by_configured_rules
    if rules is not None:
        decide = partial(member_decide.decide, rules=rules)
    return Stage(
        name=NAME,
        inputs=(FEED_COMMANDS, FEED_GRAPH),
        changelog=FEED_MEMBER_CHANGELOG,
        takes=COMMANDS + GRAPH,
        new_state=member_decide.new_state,
        decide=decide,
        state_log=MemberLog(),
    )


MEMBER_STAGE = member_stage()
