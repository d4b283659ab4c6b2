"""Tests side by side give the outcomes one-by-one would: same order, same first failure."""

from __future__ import annotations

import threading
import time

import pytest

from schemas.judge import Verdict
from streams.judge.evaluation import _in_order
from streams.judge.verdict import TestOutcome


def _outcome(index: int, verdict: Verdict) -> TestOutcome:
    return TestOutcome(
        index=index,
        name=f"t{index}",
        hidden=False,
        verdict=verdict,
        time_ms=1,
        memory_kb=1,
        exit_code=0,
        signal=None,
        output_excerpt="",
    )


def _judge(verdicts: list[Verdict], started: list[int]):  # type: ignore[no-untyped-def]
    lock = threading.Lock()

    def judge(index: int) -> TestOutcome:
        with lock:
            started.append(index)
        # Later tests finish first: order must come from the test index.
        time.sleep(0.01 * (len(verdicts) - index))
        return _outcome(index, verdicts[index])

    return judge


@pytest.mark.parametrize("at_once", [1, 2, 4])
def test_outcomes_come_in_test_order(at_once: int) -> None:
    verdicts: list[Verdict] = ["accepted"] * 6
    outcomes = _in_order(_judge(verdicts, []), 6, at_once, stop_at_first_failure=True)
    assert [o.index for o in outcomes] == list(range(6))


@pytest.mark.parametrize("at_once", [1, 2, 4])
def test_the_first_failure_ends_the_outcomes(at_once: int) -> None:
    verdicts: list[Verdict] = ["accepted", "accepted", "wrong_answer", "accepted", "runtime_error"]
    started: list[int] = []
    outcomes = _in_order(_judge(verdicts, started), 5, at_once, stop_at_first_failure=True)
    assert [(o.index, o.verdict) for o in outcomes] == [
        (0, "accepted"),
        (1, "accepted"),
        (2, "wrong_answer"),
    ]
    if at_once == 1:
        assert started == [0, 1, 2]


def test_without_stopping_every_test_runs() -> None:
    verdicts: list[Verdict] = ["wrong_answer", "accepted", "accepted"]
    outcomes = _in_order(_judge(verdicts, []), 3, 2, stop_at_first_failure=False)
    assert [o.verdict for o in outcomes] == verdicts


def test_tests_do_run_side_by_side() -> None:
    inside = 0
    most = 0
    lock = threading.Lock()

    def judge(index: int) -> TestOutcome:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        return _outcome(index, "accepted")

    _in_order(judge, 6, 3, stop_at_first_failure=True)
    assert most == 3
