"""Every fact a pure core builds names exactly its record's fields, with values
its record accepts: a misspelt or missing field fails here, not on the log.

Facts stay plain (record type, payload) pairs on the stages' hot path, where
building a pydantic model per fact cost over a third of its encoding
(streams/records.py). So the models hold them here instead, twice over: every
payload written out literally in streams/ is read from the source (a path
no flow reaches is checked too), and every fact the exchange's flows and the
judge's answers build is checked whole against its model.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import deploy, exchange, feed, judge, music
from schemas.envelope import Record
from streams.facts import Fact
from streams.judge.answer import evaluation_facts, progress_facts
from streams.judge.evaluation import Evaluation, unjudged
from streams.judge.verdict import CompileOutcome, TestOutcome, final_verdict
from streams.records import fact_record
from tests.support.log import command
from tests.unit.streams.exchange.flows import commands, steps
from tests.unit.streams.exchange.test_pipeline import run

STREAMS = Path(__file__).resolve().parents[3] / "streams"
RECORDS: dict[str, type[Record]] = {m.__name__: m for m in (*exchange.ALL, *judge.ALL)}
# deploy's records share names with the exchange's (CommandRejected): by folder.
DEPLOY_RECORDS: dict[str, type[Record]] = {m.__name__: m for m in deploy.ALL}
FEED_RECORDS: dict[str, type[Record]] = {m.__name__: m for m in feed.ALL}
MUSIC_RECORDS: dict[str, type[Record]] = {m.__name__: m for m in music.ALL}
BY_FOLDER = {"deploy": DEPLOY_RECORDS, "feed": FEED_RECORDS, "music": MUSIC_RECORDS}


def _fields(model: type[Record]) -> set[str]:
    return set(model.model_fields) - {"envelope"}


def _literal_facts() -> list[tuple[str, int, type[Record], list[str | None]]]:
    """(file, line, record type, payload keys; None for a ** spread) of every
    `(RecordType, {...})` written in streams/."""
    found = []
    for path in sorted(STREAMS.rglob("*.py")):
        known = BY_FOLDER.get(path.parent.name, RECORDS)
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
                continue
            kind, payload = node.elts
            if not (isinstance(kind, ast.Name) and kind.id in known):
                continue
            if not isinstance(payload, ast.Dict):
                continue
            keys = [
                k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
                for k in payload.keys
            ]
            found.append((str(path.relative_to(STREAMS)), node.lineno, known[kind.id], keys))
    return found


def test_every_literal_fact_names_its_record_s_fields() -> None:
    facts = _literal_facts()
    # A guard on the scan: the exchange's cores and the judge's answers write dozens.
    assert len(facts) >= 15
    for where, line, model, keys in facts:
        named = {k for k in keys if k is not None}
        unknown = named - _fields(model)
        assert not unknown, f"{where}:{line}: {model.__name__} has no field {sorted(unknown)}"
        if None not in keys:  # no spread: every field must be written out
            missing = _fields(model) - named
            assert not missing, f"{where}:{line}: {model.__name__} lacks {sorted(missing)}"


def _holds_to_its_model(fact: Fact, cause: Record) -> None:
    model, payload = fact
    assert set(payload) == _fields(model), f"{model.__name__}: {sorted(payload)}"
    fact_record(fact, cause, 0, "test")  # the model validates every value


def test_the_exchange_s_facts_hold_to_their_models() -> None:
    cause = command(exchange.DepositCash, account_id="a-1", amount=5)
    seen: set[type[Record]] = set()

    @settings(max_examples=100, deadline=None, database=None, derandomize=True)
    @given(steps, st.integers(0, 2**16))
    def check(raw: list[dict[str, Any]], seed: int) -> None:
        for _, fact in run(commands(raw), seed).log:
            _holds_to_its_model(fact, cause)
            seen.add(fact[0])

    check()
    # A guard on the flows: the facts both stages write most must have been met.
    names = {m.__name__ for m in seen}
    assert names >= {
        "BalanceChanged",
        "OrderAccepted",
        "TradeExecuted",
        "OrderRested",
        "OrderClosed",
        "OrderFilled",
        "CommandRejected",
    }


def test_the_judge_s_facts_hold_to_their_models() -> None:
    submit = cast(
        judge.SubmitSolution,
        command(
            judge.SubmitSolution,
            user_id="u-1",
            submission_id="s-1",
            problem_id="p",
            problem_revision=1,
            language="python",
            source="print(1)",
        ),
    )
    compiled = CompileOutcome(ok=True)
    tests = (
        TestOutcome(
            index=0,
            name="t0",
            hidden=False,
            verdict="accepted",
            time_ms=5,
            memory_kb=100,
            exit_code=0,
            signal=None,
            output_excerpt="1",
        ),
    )
    judged = Evaluation("submit", compiled, tests, final_verdict(compiled, list(tests), total=1))
    facts = [
        *evaluation_facts(submit, judged),
        *evaluation_facts(submit, unjudged("submit", 1, "no problem")),
        *progress_facts(
            cast(
                judge.MarkProgress,
                command(judge.MarkProgress, user_id="u-1", problem_id="p", status="completed"),
            )
        ),
    ]
    for fact in facts:
        _holds_to_its_model(fact, submit)
    assert {m.__name__ for m, _ in facts} == {
        "SubmissionCompiled",
        "TestJudged",
        "SubmissionJudged",
        "ProgressMarked",
    }
