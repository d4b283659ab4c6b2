"""The failure threshold that rolls a deployment back by itself."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.deploy.failures import FailureThreshold, must_roll_back

NONE = FailureThreshold()
TENTH = FailureThreshold(Fraction(1, 10))


def test_the_canary_rolls_back_at_its_first_failure_whatever_the_threshold() -> None:
    assert not must_roll_back(0, 1, FailureThreshold(Fraction(9, 10)), is_canary=True)
    assert must_roll_back(1, 1, FailureThreshold(Fraction(9, 10)), is_canary=True)


def test_by_default_one_failure_rolls_back() -> None:
    assert not must_roll_back(0, 20, NONE, is_canary=False)
    assert must_roll_back(1, 20, NONE, is_canary=False)


def test_a_share_at_the_threshold_is_tolerated_above_it_rolls_back() -> None:
    assert not must_roll_back(2, 20, TENTH, is_canary=False)
    assert must_roll_back(3, 20, TENTH, is_canary=False)
    assert must_roll_back(1, 9, TENTH, is_canary=False)


def test_an_empty_wave_never_rolls_back() -> None:
    assert not must_roll_back(0, 0, NONE, is_canary=False)


def test_refusals() -> None:
    with pytest.raises(ValueError):
        FailureThreshold(Fraction(1))
    with pytest.raises(ValueError):
        FailureThreshold(Fraction(-1, 2))
    with pytest.raises(ValueError):
        must_roll_back(3, 2, NONE, is_canary=False)


thresholds = st.fractions(min_value=0, max_value=Fraction(99, 100)).map(FailureThreshold)


@given(st.integers(0, 200), st.integers(1, 200), thresholds)
def test_more_failures_never_undo_a_rollback(
    failed: int, size: int, threshold: FailureThreshold
) -> None:
    failed = min(failed, size - 1)
    if must_roll_back(failed, size, threshold, is_canary=False):
        assert must_roll_back(failed + 1, size, threshold, is_canary=False)


@given(st.integers(1, 200), thresholds)
def test_a_wave_where_every_host_failed_rolls_back(size: int, threshold: FailureThreshold) -> None:
    assert must_roll_back(size, size, threshold, is_canary=False)
