"""What a region agent still has to do, decided from what it reads and what
is on disk: pure, so a restarted agent's choices can be tested without hosts.

Two decisions live here. `latest_per_host`: of a batch of instructions, only
the last one for each host of this region matters (the orchestrator waits
only for its latest instruction to a host and ignores reports on earlier
ones, so doing an install a restore already overrides is wasted work).
`plan_install`: the steps of an install, each either done now or, found
already done on disk (an agent restarted mid-way re-reads its instructions),
reported again without redoing it.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def latest_per_host(instructions: Iterable[Instruction], region: str) -> list[Instruction]:
    """This region's instructions, the last one per host, in the order of
    those last ones (other regions' records share the topic: skipped)."""
    last: dict[str, Instruction] = {}
    for instruction in instructions:
        if instruction.region != region:
            continue
        last.pop(instruction.host_id, None)  # re-insert: keeps the log order of the last ones
        last[instruction.host_id] = instruction
    return list(last.values())


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
