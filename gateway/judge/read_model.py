"""The judge's live read model as the services hold it (`GatewayDomain.read_model`),
and the submission ids the gateway issued: what its reads and writes both use."""

from __future__ import annotations

from gateway.judge import GATEWAY
from gateway.judge.issued import IssuedSubmissions
from gateway.services import Services
from projections.judge.read import JudgeReadModel


def judge_read_model(services: Services) -> JudgeReadModel:
    model = services.read_model(GATEWAY)
    assert isinstance(model, JudgeReadModel)
    return model


def issued_submissions(services: Services) -> IssuedSubmissions:
    return IssuedSubmissions(
        services.redis, services.settings.namespace, services.config.issued_wait_s
    )
