"""The deployment system's commands as the gateway accepts them, in the shared
table shape (gateway/command.py `Command`).

Deployers build releases and start and steer deployments with deploy:write;
an approver opens a gate with deploy:approve (four eyes: the orchestrator
refuses the deployer's own approval); hosts are set with deploy:admin; reads
need deploy:read. What the request cannot say is resolved per request
(gateway/deploy/writes.py) and joins the payload there: `actor` (the key's
id) always, and a deployment's `service` from the read model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.command import Command
from gateway.deploy import requests as rq
from schemas.deploy import records as dr
from schemas.deploy.topics import DEPLOY_BUILDS, DEPLOY_COMMANDS

READ = "deploy:read"
WRITE = "deploy:write"
APPROVE = "deploy:approve"
ADMIN = "deploy:admin"


def _build(req: rq.BuildReleaseRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "release_id": ids["release_id"],
        "service": req.service,
        "version": req.version,
        "repo": req.repo,
        "commit": req.commit,
    }


def _upload(req: rq.UploadedRelease, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "release_id": ids["release_id"],
        "service": req.service,
        "version": req.version,
        "source": "upload",
        "artifact": req.artifact.model_dump(),
    }


def _start(req: rq.StartDeploymentRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "deployment_id": ids["deployment_id"],
        "service": req.service,
        "release_id": req.release_id,
        "strategy": req.strategy.model_dump(),
    }


def _approve(
    req: rq.ApproveRequest, path: rq.DeploymentPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"deployment_id": path.deployment_id, "wave": req.wave}


def _steer(req: rq.SteerRequest, path: rq.DeploymentPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"deployment_id": path.deployment_id}


def _set_hosts(
    req: rq.SetHostsRequest, path: rq.ServicePath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"service": path.service, "hosts": [host.model_dump() for host in req.hosts]}


def _register(
    req: rq.RegisterHostRequest, path: rq.ServicePath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"service": path.service, "host": {"region": req.region, "host_id": req.host_id}}


def _retire(
    req: rq.SteerRequest, path: rq.ServiceHostPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"service": path.service, "host_id": path.host_id}


BUILD = Command(
    "deploy_build_release",
    "POST",
    "/releases",
    "Build a release of a service from a git repository at a commit (in the sandbox)",
    rq.BuildReleaseRequest,
    None,
    dr.BuildRelease,
    DEPLOY_BUILDS,
    WRITE,
    _build,
    assigns=("release_id",),
)
# Not routed from the table: its body is the artifact's bytes (gateway/deploy/upload.py).
UPLOAD = Command(
    "deploy_upload_release",
    "POST",
    "/releases/upload",
    "Create a release of a service from an uploaded artifact: the body is its tar.gz bytes "
    "(anything but a gzip stream is a 422), stored and signed",
    rq.UploadedRelease,
    None,
    dr.CreateRelease,
    DEPLOY_COMMANDS,
    WRITE,
    _upload,
    assigns=("release_id",),
)
START = Command(
    "deploy_start",
    "POST",
    "/deployments",
    "Start deploying a release of a service (queued behind one already active)",
    rq.StartDeploymentRequest,
    None,
    dr.StartDeployment,
    DEPLOY_COMMANDS,
    WRITE,
    _start,
    assigns=("deployment_id",),
)
APPROVE_WAVE = Command(
    "deploy_approve",
    "POST",
    "/deployments/{deployment_id}/approve",
    "Open the gate before a wave (four eyes: not the deployer's own key)",
    rq.ApproveRequest,
    rq.DeploymentPath,
    dr.ApproveDeployment,
    DEPLOY_COMMANDS,
    APPROVE,
    _approve,
)
PAUSE = Command(
    "deploy_pause",
    "POST",
    "/deployments/{deployment_id}/pause",
    "Pause a running deployment: no new host is touched until it resumes",
    rq.SteerRequest,
    rq.DeploymentPath,
    dr.PauseDeployment,
    DEPLOY_COMMANDS,
    WRITE,
    _steer,
)
RESUME = Command(
    "deploy_resume",
    "POST",
    "/deployments/{deployment_id}/resume",
    "Resume a paused deployment",
    rq.SteerRequest,
    rq.DeploymentPath,
    dr.ResumeDeployment,
    DEPLOY_COMMANDS,
    WRITE,
    _steer,
)
ABORT = Command(
    "deploy_abort",
    "POST",
    "/deployments/{deployment_id}/abort",
    "Abort: an active deployment rolls back, a queued one leaves the queue",
    rq.SteerRequest,
    rq.DeploymentPath,
    dr.AbortDeployment,
    DEPLOY_COMMANDS,
    WRITE,
    _steer,
)
ROLLBACK = Command(
    "deploy_rollback",
    "POST",
    "/deployments/{deployment_id}/rollback",
    "Roll back an active deployment, or the service's last successful one",
    rq.SteerRequest,
    rq.DeploymentPath,
    dr.RollBackDeployment,
    DEPLOY_COMMANDS,
    WRITE,
    _steer,
)
SET_HOSTS = Command(
    "deploy_set_hosts",
    "PUT",
    "/services/{service}/hosts",
    "Replace a service's hosts (and so its regions) whole",
    rq.SetHostsRequest,
    rq.ServicePath,
    dr.SetServiceHosts,
    DEPLOY_COMMANDS,
    ADMIN,
    _set_hosts,
)
REGISTER_HOST = Command(
    "deploy_register_host",
    "POST",
    "/services/{service}/hosts",
    "Register one host of a service in a region",
    rq.RegisterHostRequest,
    rq.ServicePath,
    dr.RegisterHost,
    DEPLOY_COMMANDS,
    ADMIN,
    _register,
)
RETIRE_HOST = Command(
    "deploy_retire_host",
    "DELETE",
    "/services/{service}/hosts/{host_id}",
    "Retire one host of a service (refused while a deployment uses it)",
    rq.SteerRequest,
    rq.ServiceHostPath,
    dr.RetireHost,
    DEPLOY_COMMANDS,
    ADMIN,
    _retire,
)
# The commands routed from the table, in route order.
COMMANDS: tuple[Command, ...] = (
    BUILD, START, APPROVE_WAVE, PAUSE, RESUME, ABORT, ROLLBACK, SET_HOSTS, REGISTER_HOST,
    RETIRE_HOST,
)  # fmt: skip
# Commands on a deployment: their service comes from the read model.
ON_A_DEPLOYMENT = frozenset(c.name for c in (APPROVE_WAVE, PAUSE, RESUME, ABORT, ROLLBACK))
