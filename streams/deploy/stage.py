"""The orchestrator as a deciding stage on the batched engine (streams/engine).

    deploy.commands ───┐
    deploy.builds ─────┤                          ┌─> deploy.facts (key service)
    deploy.clock ──────┼─ orchestrator ───────────┤
    deploy.host-steps ─┘  (per service)           └─> deploy.instructions (key region)

Every input is keyed by service, so one service's commands, builds, ticks and
host reports are decided in order on one partition, with its state.
"""

from __future__ import annotations

from schemas.deploy.records import BUILDS, CLOCK, COMMANDS, HOST_STEPS
from schemas.deploy.topics import (
    DEPLOY_BUILDS,
    DEPLOY_CLOCK,
    DEPLOY_COMMANDS,
    DEPLOY_HOST_STEPS,
    DEPLOY_ORCHESTRATOR_CHANGELOG,
)
from streams.deploy import orchestrator
from streams.deploy.orchestrator_log import OrchestratorLog
from streams.engine.stage import Stage

ORCHESTRATOR_STAGE = Stage(
    name="deploy.orchestrator",
    inputs=(DEPLOY_COMMANDS, DEPLOY_BUILDS, DEPLOY_CLOCK, DEPLOY_HOST_STEPS),
    changelog=DEPLOY_ORCHESTRATOR_CHANGELOG,
    takes=COMMANDS + BUILDS + CLOCK + HOST_STEPS,
    new_state=orchestrator.new_state,
    decide=orchestrator.decide,
    state_log=OrchestratorLog(),
)
