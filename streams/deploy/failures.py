"""When a wave's failures roll the whole deployment back.

A host *fails* when its health check fails, any step of it (fetch, verify,
unpack, start, switch) fails, or it does not answer before its deadline on the
clock topic: the orchestrator counts all three alike.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class FailureThreshold:
    """The share of a wave's hosts that may fail before the deployment rolls back.

    `max_failed_share` of 0 (the default) tolerates no failure at all. The
    canary tolerates none whatever the threshold: it exists to stop a bad
    release at one host.
    """

    max_failed_share: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        if not 0 <= self.max_failed_share < 1:
            raise ValueError(f"max_failed_share must be in [0, 1), not {self.max_failed_share}")


def must_roll_back(
    failed: int, wave_size: int, threshold: FailureThreshold, *, is_canary: bool
) -> bool:
    """True when `failed` hosts of a wave of `wave_size` call for a rollback.

    Contract: the canary rolls back at its first failure; any other wave rolls
    back once `failed / wave_size` exceeds `max_failed_share` (exact
    arithmetic, no float rounding). Failures only grow within a wave, so the
    orchestrator may ask after every host report and roll back at once,
    without waiting for the rest of the wave.
    """
    if not 0 <= failed <= wave_size:
        raise ValueError(f"{failed} failed hosts out of a wave of {wave_size}")
    if is_canary:
        return failed > 0
    return Fraction(failed, wave_size) > threshold.max_failed_share if wave_size else False
