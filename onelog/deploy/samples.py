"""The deployment system's sample requests `onelog up` prints: deploy the
sample service's good release to every region, then its bad one, whose
canary fails its health check and rolls back by itself (it waits in the
queue while the first runs)."""

from __future__ import annotations

from collections.abc import Mapping

from onelog.curl import curl_post
from onelog.deploy.sample_releases import BAD_RELEASE, GOOD_RELEASE, SERVICE


def deploy_curl(gateway_url: str, key: str, release_id: str) -> str:
    body = {"service": SERVICE, "release_id": release_id}
    return curl_post(f"{gateway_url}/v1/deploy/deployments", key, body)


def deploy_samples(gateway_url: str, key: str) -> Mapping[str, str]:
    return {
        "deploy_curl": deploy_curl(gateway_url, key, GOOD_RELEASE),
        "deploy_rollback_curl": deploy_curl(gateway_url, key, BAD_RELEASE),
    }
