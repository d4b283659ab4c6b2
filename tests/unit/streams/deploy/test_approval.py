"""The four-eyes rule of the approval gate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.deploy.approval import ApprovalOutcome, GateState, judge_approval

AT_GATE_1 = GateState(deployer="ada", waiting_at_wave=1)


def test_another_identity_at_the_gate_is_accepted() -> None:
    assert judge_approval(AT_GATE_1, "grace", wave=1) is ApprovalOutcome.ACCEPTED


def test_the_deployer_cannot_approve_their_own_deployment() -> None:
    assert judge_approval(AT_GATE_1, "ada", wave=1) is ApprovalOutcome.APPROVER_IS_DEPLOYER


def test_an_approval_counts_only_while_waiting_at_a_gate() -> None:
    running = GateState(deployer="ada", waiting_at_wave=None)
    assert judge_approval(running, "grace", wave=1) is ApprovalOutcome.NOT_AT_GATE


def test_an_approval_for_another_gate_opens_nothing() -> None:
    assert judge_approval(AT_GATE_1, "grace", wave=0) is ApprovalOutcome.WRONG_GATE
    assert judge_approval(AT_GATE_1, "grace", wave=2) is ApprovalOutcome.WRONG_GATE


names = st.sampled_from(["ada", "grace", "linus"])


@given(names, names, st.none() | st.integers(0, 5), st.integers(0, 5))
def test_accepted_only_from_another_identity_at_that_very_gate(
    deployer: str, approver: str, waiting: int | None, wave: int
) -> None:
    outcome = judge_approval(GateState(deployer, waiting), approver, wave)
    assert (outcome is ApprovalOutcome.ACCEPTED) == (
        approver != deployer and waiting is not None and wave == waiting
    )
