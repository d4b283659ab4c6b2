"""A big artifact to every host, and back: the deployment system's rollout
and rollback on real processes.

A fresh service with H hosts in each of the five regions (default 20: 100
hosts) first gets a small release (v1) everywhere; then a release padded to
S MB (default 100, random so it does not compress) goes to every host at
once (no canary, all hosts of the service at a time), and is rolled back:

- rollout: from the 202 of the StartDeployment until the deployment
  succeeded (every host fetched, verified, unpacked, started, healthy and
  switched), and the bytes the origin sent meanwhile (in artifact copies:
  one per region is the aim, never one per host);
- rollback: from the 202 of the RollBackDeployment until every host runs
  v1 again.

Needs about 2 x S MB of disk per host (its download and its unpacked copy).

    python -m bench.deploy_rollout [--hosts-per-region 20] [--size-mb 100] [--timeline]

--timeline prints where each phase's time went (bench.deploy_timeline).
"""

from __future__ import annotations

import argparse
import time
import uuid

from bench import support
from bench.deploy_support import (
    deploy_bench_settings,
    deploy_client,
    deploy_running,
    hosts_of,
    origin_bytes_sent,
    sample_artifact,
)
from bench.deploy_timeline import breakdown, read_deployment

TIMEOUT_S = 1800.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--hosts-per-region", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--timeline", action="store_true", help="where the time went")
    args = parser.parse_args()
    support.stop_on_sigterm()
    settings, _ = deploy_bench_settings()
    service = f"bench-{uuid.uuid4().hex[:6]}"
    with deploy_running(settings) as deploy, deploy_client(settings) as client:
        hosts = hosts_of(deploy.regions, args.hosts_per_region, service)
        client.set_hosts(service, hosts)
        everywhere = {
            "rollout": "all_at_once",
            "canary": False,
            "max_unavailable": len(hosts),
            "host_timeout_ms": int(TIMEOUT_S * 1000),
        }
        small = client.upload(service, "1.0.0", sample_artifact("1.0.0"))
        first = client.start(service, small, **everywhere)
        if client.wait_final(first, TIMEOUT_S) != "succeeded":
            raise SystemExit(f"the small release did not reach every host ({first})")

        big_bytes = sample_artifact("2.0.0", pad_bytes=args.size_mb << 20)
        big = client.upload(service, "2.0.0", big_bytes)
        sent_before = origin_bytes_sent(deploy)
        began, rollout_ms = time.monotonic(), int(time.time() * 1000)
        second = client.start(service, big, **everywhere)
        outcome = client.wait_final(second, TIMEOUT_S)
        rollout_s = time.monotonic() - began
        sent = origin_bytes_sent(deploy) - sent_before
        if outcome != "succeeded":
            raise SystemExit(f"the big release ended {outcome} ({second})")

        began, rollback_ms = time.monotonic(), int(time.time() * 1000)
        client.roll_back(second)
        # It had succeeded (final): wait for the rollback's own end.
        outcome = client.wait_final(second, TIMEOUT_S, ("rolled_back",))
        rollback_s = time.monotonic() - began
        if args.timeline:
            seen = read_deployment(settings.kafka_bootstrap, second, rollout_ms)
            print(
                "rollout:\n  " + "\n  ".join(breakdown([s for s in seen if s.at_ms < rollback_ms]))
            )
            print(
                "rollback:\n  "
                + "\n  ".join(breakdown([s for s in seen if s.at_ms >= rollback_ms]))
            )

    print(f"hosts: {len(hosts)} in {len(deploy.regions)} regions; artifact {len(big_bytes):,} B")
    print(f"rollout until every host healthy and switched: {rollout_s:.1f} s")
    print(
        f"origin sent {sent:,} B = {sent / len(big_bytes):.2f} copies "
        f"(one per region: {len(deploy.regions)})"
    )
    print(f"rollback of {len(hosts)} hosts ({outcome}): {rollback_s:.1f} s")


if __name__ == "__main__":
    main()
