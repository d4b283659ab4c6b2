"""The deployment system in the `onelog` command: its processes under `up`
and `down` (the origin, one agent per region, the clock), what `up` publishes
(the signing key, the sample service's hosts and two releases built from the
sample repository) and waits for, the sample deployments `up` prints, the
services a key deploys (`keys --service`) and `audit deployment`."""

from __future__ import annotations

from gateway.deploy.principal import SERVICE
from onelog.deploy.audit_command import AUDIT_DEPLOYMENT
from onelog.deploy.publish import publish_on_up, wait_for_sample_releases
from onelog.deploy.samples import deploy_samples
from onelog.deploy.services import deploy_services
from onelog.domain import CliDomain, KeyOption

CLI = CliDomain(
    "deploy",
    samples=deploy_samples,
    key_options=(KeyOption(SERVICE, "a service the key deploys (repeat for more)"),),
    # A deployer who may also approve another's deployment (four eyes are
    # checked per identity by the orchestrator, not by scope).
    default_key_scopes=("deploy:read", "deploy:write", "deploy:approve"),
    audits=(AUDIT_DEPLOYMENT,),
    publish=publish_on_up,
    wait_published=wait_for_sample_releases,
    services=deploy_services,
)
