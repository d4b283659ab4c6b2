"""A fact's bytes as the engine writes them (`encoded_fact`, no model built)
are the bytes of its record (`fact_record`, then the registry's encoding)."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from infra.topics import topic_of
from schemas import exchange, judge
from schemas.envelope import Record
from schemas.exchange.topics import EXCHANGE_TOPICS
from schemas.registry import registry
from streams.records import encoded_fact, fact_record
from tests.support.log import command
from tests.unit.schemas.samples import sample

# Every record type a deciding stage writes: the exchange's facts.
FACTS = [
    model
    for model in exchange.ALL
    if model.schema_name in {t for spec in EXCHANGE_TOPICS for t in spec.record_types}
    and topic_of(model.schema_name).name not in ("exchange.commands", "exchange.admin")
]


def _payloads(model: type[Record]) -> list[dict[str, Any]]:
    """A sample payload; the same with every optional field None; with odd values."""
    payload = sample(model).model_dump(mode="python", exclude={"envelope"})
    optional = {
        name: None
        for name, field in model.model_fields.items()
        if name != "envelope" and type(None) in typing.get_args(field.annotation)
    }
    odd = {
        name: (-(10**15) if isinstance(value, int) and not isinstance(value, bool) else value)
        for name, value in payload.items()
    }
    odd |= {name: "ünïcode ✓" for name, value in payload.items() if isinstance(value, str)}
    odd |= {name: payload[name] for name in model.model_fields if "side" in name or "cause" in name}
    return [payload, payload | optional, _valid(model, odd, payload)]


def _valid(
    model: type[Record], candidate: dict[str, Any], fallback: dict[str, Any]
) -> dict[str, Any]:
    """Keep each odd value the model accepts (enumerations keep the sample's)."""
    kept = dict(fallback)
    for name, value in candidate.items():
        trial = kept | {name: value}
        try:
            model(envelope=sample(model).envelope, **trial)
        except ValueError:
            continue
        kept = trial
    return kept


@pytest.mark.parametrize("model", FACTS, ids=lambda m: m.__name__)
def test_an_encoded_fact_is_the_bytes_of_its_record(model: type[Record]) -> None:
    cause = command(exchange.DepositCash, account_id="ä-1", amount=5)
    for payload in _payloads(model):
        fact = (model, payload)
        record = fact_record(fact, cause, 3, "exchange.test-stage")
        topic, key, value = encoded_fact(fact, cause, 3, "exchange.test-stage")
        assert topic == topic_of(model.schema_name).name
        assert key == record.envelope.key.encode()
        assert value == registry().encode(record)


def test_every_fact_type_is_covered() -> None:
    assert {m.__name__ for m in FACTS} >= {"TradeExecuted", "BalanceChanged", "OrderAccepted"}


# The judge's facts go out through the same encoding since its shell shares it.
JUDGE_FACTS = [
    judge.SubmissionCompiled,
    judge.TestJudged,
    judge.SubmissionJudged,
    judge.ProgressMarked,
]


@pytest.mark.parametrize("model", JUDGE_FACTS, ids=lambda m: m.__name__)
def test_an_encoded_judge_fact_is_the_bytes_of_its_record(model: type[Record]) -> None:
    cause = command(judge.MarkProgress, user_id="ü-1", problem_id="p", status="completed")
    for payload in _payloads(model):
        fact = (model, payload)
        record = fact_record(fact, cause, 3, "judge.evaluator")
        topic, key, value = encoded_fact(fact, cause, 3, "judge.evaluator")
        assert topic == topic_of(model.schema_name).name
        assert key == record.envelope.key.encode()
        assert value == registry().encode(record)
