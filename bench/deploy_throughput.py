"""Deployments per hour: one after another for one service, and side by side
across many services.

- one service: a fresh service with one host in each region; N deployments
  (default 10) of two small releases in turn, all asked for at once (the
  orchestrator queues them and starts each when the one before ends); the
  rate is N over the time from the first 202 to the last one succeeded;
- many services: S fresh services (default 50) of one host each (regions in
  turn), K deployments each (default 3), all asked for at once; the rate is
  S x K over the time until the last one succeeded.

Every deployment goes to every host of its service at once, without a canary:
what is measured is the system's pace, not a strategy's caution.

    python -m bench.deploy_throughput [--deployments 10] [--services 50] [--each 3]
"""

from __future__ import annotations

import argparse
import time
import uuid

from bench import support
from bench.deploy_support import (
    DeployClient,
    deploy_bench_settings,
    deploy_client,
    deploy_running,
    hosts_of,
    sample_artifact,
)

TIMEOUT_S = 3600.0
AT_ONCE = {"rollout": "all_at_once", "canary": False, "max_unavailable": 100}


def _releases(client: DeployClient, service: str, artifacts: list[bytes]) -> list[str]:
    return [client.upload(service, f"1.0.{index}", data) for index, data in enumerate(artifacts)]


def _run(client: DeployClient, plan: list[tuple[str, str]]) -> tuple[float, dict[str, int]]:
    """Start every (service, release) in plan order; seconds until all ended, and outcomes."""
    began = time.monotonic()
    started = [client.start(service, release, **AT_ONCE) for service, release in plan]
    outcomes: dict[str, int] = {}
    for deployment_id in started:
        outcome = client.wait_final(deployment_id, TIMEOUT_S)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return time.monotonic() - began, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deployments", type=int, default=10)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--each", type=int, default=3)
    args = parser.parse_args()
    support.stop_on_sigterm()
    settings, _ = deploy_bench_settings()
    artifacts = [sample_artifact(f"1.0.{index}") for index in range(2)]
    run = uuid.uuid4().hex[:6]
    with deploy_running(settings) as deploy, deploy_client(settings) as client:
        one = f"bench-one-{run}"
        client.set_hosts(one, hosts_of(deploy.regions, 1, one))
        releases = _releases(client, one, artifacts)
        plan = [(one, releases[index % 2]) for index in range(args.deployments)]
        one_s, one_outcomes = _run(client, plan)

        many = [f"bench-many-{run}-{index}" for index in range(args.services)]
        many_releases = {}
        for index, service in enumerate(many):
            region = deploy.regions[index % len(deploy.regions)]
            client.set_hosts(service, [{"region": region, "host_id": f"{service}-h"}])
            many_releases[service] = _releases(client, service, artifacts)
        plan = [
            (service, many_releases[service][round_ % 2])
            for round_ in range(args.each)
            for service in many
        ]
        many_s, many_outcomes = _run(client, plan)

    print(
        f"one service ({len(deploy.regions)} hosts): {args.deployments} deployments in "
        f"{one_s:.1f} s = {args.deployments * 3600 / one_s:,.0f} per hour {one_outcomes}"
    )
    total = args.services * args.each
    print(
        f"{args.services} services (1 host each): {total} deployments in {many_s:.1f} s "
        f"= {total * 3600 / many_s:,.0f} per hour {many_outcomes}"
    )


if __name__ == "__main__":
    main()
