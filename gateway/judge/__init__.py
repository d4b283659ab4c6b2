"""The judge at the gateway: /v1/judge, its scopes, its principal (the learner
a key acts as), the body limits of sources and problems, its live read model."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config import GatewayConfig
from gateway.domain import GatewayDomain
from gateway.judge.batch_shape import MAX_BATCH
from gateway.judge.commands import ADMIN, READ, WRITE
from gateway.judge.principal import LEARNER
from gateway.judge.requests import MAX_PROBLEM_BODY_BYTES, MAX_RUN_BODY_BYTES, MAX_SOURCE_BYTES
from gateway.operation import Operation
from projections.judge.read import JudgeReadModel

PREFIX = "/v1/judge"


def _operations() -> list[Operation]:
    # Imported when the app is built: the routes import the services, and
    # those import gateway.auth, which lists every domain's scopes.
    from gateway.judge.routes import operations

    return operations()


def _body_limits(config: GatewayConfig) -> Mapping[str, int]:
    # Sources are checked by size in the route (413 naming the field); the
    # body may carry them JSON-escaped.
    return {
        PREFIX + "/runs": MAX_RUN_BODY_BYTES,
        PREFIX + "/submissions": MAX_RUN_BODY_BYTES,
        PREFIX + "/problems": MAX_PROBLEM_BODY_BYTES,
        # A batch's submissions, each source at its limit JSON-escaped.
        PREFIX + "/submissions/batch": MAX_BATCH * (6 * MAX_SOURCE_BYTES + 4096),
    }


GATEWAY = GatewayDomain(
    name="judge",
    operations=_operations,
    scopes=(READ, WRITE, ADMIN, LEARNER.operator_scope),
    principals=(LEARNER,),
    body_limits=_body_limits,
    read_model=JudgeReadModel,
)
