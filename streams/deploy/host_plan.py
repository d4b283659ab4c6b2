"""What a region agent still has to do, decided from what it reads and what
is on disk: pure, so a restarted agent's choices can be tested without hosts.

`plan_install`: the steps of an install, each either done now or, found
already done on disk (an agent restarted mid-way re-reads its instructions),
reported again without redoing it. (Which instruction a host carries out
next: agent_work.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.deploy.records import InstallRelease, RestoreRelease

Instruction = InstallRelease | RestoreRelease
InstallStep = Literal["fetched", "verified", "unpacked", "started", "healthy", "switched"]
INSTALL_STEPS: tuple[InstallStep, ...] = (
    "fetched",
    "verified",
    "unpacked",
    "started",
    "healthy",
    "switched",
)


@dataclass(frozen=True)
class HostObservation:
    """A host folder as the agent finds it, for one release being installed."""

    downloaded: bool  # downloads/<digest> is there
    unpacked_digest: str | None  # the digest releases/<version> was unpacked from
    running: bool  # the version's process is alive (started or adopted)
    is_current: bool  # `current` points at this version's folder


@dataclass(frozen=True)
class PlannedStep:
    step: InstallStep
    redo: bool  # False: found done on disk; reported again as it is


def plan_install(observed: HostObservation, digest: str) -> list[PlannedStep]:
    unpacked = observed.unpacked_digest == digest
    return [
        PlannedStep("fetched", redo=not (observed.downloaded or unpacked)),
        # The signature is checked every time (it is cheap and the instruction
        # may carry a forged one); the content only when it is unpacked now.
        PlannedStep("verified", redo=True),
        PlannedStep("unpacked", redo=not unpacked),
        # A release unpacked now never has a process yet; one found running
        # from before keeps running.
        PlannedStep("started", redo=not (unpacked and observed.running)),
        # Health is the whole point of a report: always asked again.
        PlannedStep("healthy", redo=True),
        PlannedStep("switched", redo=not (unpacked and observed.running and observed.is_current)),
    ]
