"""The deployment system's HTTP operations under /v1/deploy: its commands, the
upload of an artifact, the reads of deployments, services, releases and DORA
figures, and a deployment's progress stream."""

from __future__ import annotations

from dataclasses import replace

from gateway.deploy import PREFIX, reads
from gateway.deploy.commands import COMMANDS, ON_A_DEPLOYMENT, READ, UPLOAD
from gateway.deploy.requests import (
    DeploymentQuery,
    DoraQuery,
    HistoryQuery,
    ReleaseQuery,
    ServiceQuery,
    UploadQuery,
)
from gateway.deploy.upload import upload_release
from gateway.deploy.writes import deploy_command_endpoint
from gateway.operation import Operation, command_operations
from gateway.responses import READ_RESPONSES, WRITE_RESPONSES

_DORA_RESPONSES = {**READ_RESPONSES, 503: "ClickHouse or Redis did not answer (Retry-After)"}
# The upload's body is an artifact's bytes, not JSON: what its refusals mean.
_UPLOAD_RESPONSES = {
    **WRITE_RESPONSES,
    413: "the artifact is larger than the upload limit (256 MiB)",
    415: "not application/gzip, application/x-gzip or application/octet-stream",
    422: "the body is not a gzip stream (`invalid-artifact`), or a query parameter is "
    "invalid (named in `errors`)",
}
# A command on a deployment names it in the path: one nobody issued is a 404.
_ON_A_DEPLOYMENT_RESPONSES = {
    **WRITE_RESPONSES,
    403: "the key lacks the scope, or does not act for the deployment's service",
    404: "unknown deployment",
}


def _command_operations() -> list[Operation]:
    return [
        replace(op, responses=_ON_A_DEPLOYMENT_RESPONSES)
        if op.endpoint.__name__ in ON_A_DEPLOYMENT
        else op
        for op in command_operations(PREFIX, COMMANDS, deploy_command_endpoint)
    ]


def operations() -> list[Operation]:
    return [
        Operation("POST", PREFIX + UPLOAD.path, upload_release, UPLOAD.summary,
                  scope=UPLOAD.scope, body_media_type="application/octet-stream",
                  parameters=UploadQuery, responses=_UPLOAD_RESPONSES, idempotency_key=True),
        *_command_operations(),
        Operation("GET", PREFIX + "/deployments/{deployment_id}", reads.deployment,
                  "A deployment: status, release, waves, regions and hosts",
                  scope=READ, parameters=DeploymentQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/deployments/{deployment_id}/events",
                  reads.deployment_stream,
                  "A deployment's progress (SSE, ids are seqs; Last-Event-ID resumes)",
                  scope=READ, parameters=DeploymentQuery, responses=READ_RESPONSES,
                  response_media_type="text/event-stream"),
        Operation("GET", PREFIX + "/services/{service}", reads.service,
                  "A service: current version, hosts, active and queued deployments",
                  scope=READ, parameters=ServiceQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/services/{service}/deployments", reads.history,
                  "A service's latest deployments, newest first (limit)",
                  scope=READ, parameters=HistoryQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/services/{service}/releases", reads.releases,
                  "A service's releases with their build status",
                  scope=READ, parameters=ServiceQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/services/{service}/releases/{release_id}", reads.release,
                  "One release: version, source, artifact digest and signature",
                  scope=READ, parameters=ReleaseQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/services/{service}/dora", reads.dora,
                  "The four DORA figures per ISO week (ClickHouse)",
                  scope=READ, parameters=DoraQuery, responses=_DORA_RESPONSES),
    ]  # fmt: skip
