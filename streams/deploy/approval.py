"""The four-eyes rule: who may let a deployment through an approval gate.

Result codes rather than exceptions: a refused approval is an ordinary fact
the orchestrator records with its reason.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ApprovalOutcome(StrEnum):
    ACCEPTED = "accepted"
    NOT_AT_GATE = "not_at_gate"
    WRONG_GATE = "wrong_gate"
    APPROVER_IS_DEPLOYER = "approver_is_deployer"


@dataclass(frozen=True)
class GateState:
    """What the approval rule needs to know of a deployment.

    `waiting_at_wave` is the index of the wave whose gate the deployment
    waits at, or `None` when it waits at no gate (running, baking, paused,
    finished, rolled back).
    """

    deployer: str
    waiting_at_wave: int | None


def judge_approval(state: GateState, approver: str, wave: int) -> ApprovalOutcome:
    """Whether `approver`'s approval of the gate before `wave` counts.

    Contract: it counts only while the deployment waits at a gate, only for
    that very gate (an approval sent for an earlier or later gate opens
    nothing, so a stale or early click cannot skip a gate), and only from an
    identity other than the one that started the deployment. The checks run
    in that order, so the reason names the first that fails.
    """
    if state.waiting_at_wave is None:
        return ApprovalOutcome.NOT_AT_GATE
    if wave != state.waiting_at_wave:
        return ApprovalOutcome.WRONG_GATE
    if approver == state.deployer:
        return ApprovalOutcome.APPROVER_IS_DEPLOYER
    return ApprovalOutcome.ACCEPTED
