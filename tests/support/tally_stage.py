"""A tiny deciding stage for testing the engine without the exchange: per
account, the sum of its deposits and withdrawals, kept as two changelog parts.

It reads DepositCash and WithdrawCash from topics the test names, and answers
each with a BalanceChanged (on exchange.accounts, as fact_record routes it)
that carries the running total: any lost or repeated decision shows as a
wrong total. A deposit of POISON cents makes `decide` raise, as a bug would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from infra.topics import TopicSpec
from schemas.envelope import Record
from schemas.exchange import BalanceChanged, DepositCash, WithdrawCash
from streams.engine.stage import Stage
from streams.facts import Fact

POISON = 13


class Tally:
    def __init__(self, account_id: str, total: int = 0, count: int = 0) -> None:
        self.account_id = account_id
        self.total = total
        self.count = count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"Tally({self.account_id!r}, total={self.total}, count={self.count})"


def decide(tally: Tally, record: Record) -> list[Fact]:
    if isinstance(record, DepositCash):
        if record.amount == POISON:
            raise RuntimeError("unlucky amount")
        delta, cause = record.amount, "deposit"
    elif isinstance(record, WithdrawCash):
        delta, cause = -min(record.amount, tally.total), "withdrawal"
    else:
        raise TypeError(f"the tally does not take {type(record).__name__}")
    tally.total += delta
    tally.count += 1
    fact = {
        "account_id": tally.account_id,
        "asset": "cash",
        "available_delta": delta,
        "reserved_delta": 0,
        "available": tally.total,
        "reserved": 0,
        "cause": cause,
        "ref": record.envelope.event_id,
    }
    return [(BalanceChanged, fact)]


class TallyLog:
    """Parts: "count" always, "total" while it is not zero (else a tombstone)."""

    def touched(self, state: Tally, cause: Record, facts: Sequence[Fact]) -> Iterable[str]:
        return ("total", "count")

    def entry(self, state: Tally, sub_key: str) -> bytes | None:
        value = state.total if sub_key == "total" else state.count
        if sub_key == "total" and value == 0:
            return None
        return str(value).encode()

    def restore(self, key: str, parts: Mapping[str, bytes]) -> Tally:
        return Tally(key, int(parts.get("total", b"0")), int(parts["count"]))


def tally_stage(name: str, inputs: tuple[TopicSpec, ...], changelog: TopicSpec) -> Stage:
    return Stage(
        name=name,
        inputs=inputs,
        changelog=changelog,
        takes=(DepositCash, WithdrawCash),
        new_state=Tally,
        decide=decide,
        state_log=TallyLog(),
    )
