"""Drives the member stage's pure core as its partitions would: one state per
member, commands sealed at the test's time, and every hop on feed.graph fed
back in to the member it is keyed by (`other`), in the order written (one
partition's order; the test may hold hops back to play a race)."""

from __future__ import annotations

from collections import deque
from typing import Any

from schemas.envelope import Record
from schemas.feed import GRAPH, CommandRejected, CreateMember, PublishPost
from streams.facts import Fact
from streams.feed.member_decide import DEFAULT_RULES, decide, new_state
from streams.feed.member_state import MemberRules, MemberState
from streams.sealing import build_record

_HOPS = set(GRAPH)


class Driver:
    def __init__(self, rules: MemberRules = DEFAULT_RULES) -> None:
        self.rules = rules
        self.states: dict[str, MemberState] = {}
        self.now_ms = 1_000_000
        self.log: list[Fact] = []
        self.records: list[Record] = []  # every input, in the order decided
        self.in_flight: deque[Record] = deque()
        self.hold = False  # True: hops wait for flush()
        self._next_id = 0

    def state(self, member: str) -> MemberState:
        return self.states.setdefault(member, new_state(member))

    def seal(self, model: type[Record], payload: dict[str, Any], key: str) -> Record:
        self._next_id += 1
        return build_record(
            model,
            payload,
            event_id=f"01{self._next_id:024d}",
            key=key,
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=self.now_ms * 1000,
        )

    def send(self, model: type[Record], **payload: Any) -> list[Fact]:
        """A command, then (unless held) every hop it leads to; the facts of all."""
        self.now_ms += 1
        facts = self._decide(self.seal(model, payload, payload["member"]))
        return facts if self.hold else facts + self.flush()

    def flush(self) -> list[Fact]:
        facts: list[Fact] = []
        while self.in_flight:
            facts += self._decide(self.in_flight.popleft())
        return facts

    def _decide(self, record: Record) -> list[Fact]:
        self.records.append(record)
        facts = decide(self.state(record.envelope.key), record, self.rules)
        self.log += facts
        for kind, payload in facts:
            if kind in _HOPS:
                self.in_flight.append(self.seal(kind, payload, payload["other"]))
        return facts

    # --- helpers the tests read with --------------------------------------------

    def members(self, *names: str) -> None:
        for name in names:
            self.send(CreateMember, member=name, handle=name)

    def post(self, author: str, post_id: str, text: str = "hello") -> list[Fact]:
        return self.send(PublishPost, member=author, post_id=post_id, text=text)


def names(facts: list[Fact]) -> list[str]:
    return [kind.__name__ for kind, _ in facts]


def of(model: type[Record], facts: list[Fact]) -> list[dict[str, Any]]:
    return [p for kind, p in facts if kind is model]


def reasons(facts: list[Fact]) -> list[str]:
    return [p["reason"] for p in of(CommandRejected, facts)]
