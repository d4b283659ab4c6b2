"""What `onelog up` writes for the deployment system once topics exist, and
what it waits to see in the read model.

Publishing creates the signing key (once), the sample repository (once) and
writes the sample service's hosts and its two builds to the log, as the
gateway would (sealed commands, keyed by service). It reads the log first, so
a second `up` writes nothing (sample_releases.missing_records).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import redis.asyncio as aioredis
from confluent_kafka import Producer

from infra import processes
from infra.kafka_broker import bootstrap_servers
from infra.log_reader import read_all
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from onelog.deploy.sample_releases import (
    ACTOR,
    SampleRelease,
    missing_records,
    sample_releases,
)
from schemas.codec import DecodeError
from schemas.deploy.topics import DEPLOY_BUILDS, DEPLOY_COMMANDS
from schemas.envelope import Record
from schemas.registry import registry
from streams.deploy.config import DeploySettings, deploy_settings
from streams.sealing import seal_command

PRODUCER = ACTOR
# A build runs in the sandbox once a worker has joined: joining and
# recovering alone may take minutes on a cold machine.
BUILD_WAIT_S = 300.0


def _records_on(bootstrap: str, topics: list[str]) -> Iterator[Record]:
    reg = registry()
    for rec in read_all(bootstrap, topics):
        try:
            yield reg.decode(rec.value)
        except DecodeError:
            continue


def ensure_signing_key(deploy: DeploySettings) -> None:
    """The ed25519 pair the builder and the gateway sign with and the agents
    verify with; created once, the private half never leaves its file."""
    from streams.deploy.signing import ensure_signing_keys

    ensure_signing_keys(deploy.signing_key_path, deploy.public_key_path)


def the_sample_releases(deploy: DeploySettings) -> tuple[str, tuple[SampleRelease, ...]]:
    """The sample repository's path and its two releases (good, bad)."""
    from onelog.deploy.sample_repo import ensure_sample_repo

    repo = ensure_sample_repo(deploy)
    return str(repo.path), sample_releases(repo.good_commit, repo.bad_commit)


def publish_on_up(settings: Settings) -> None:
    deploy = deploy_settings(settings)
    ensure_signing_key(deploy)
    repo, releases = the_sample_releases(deploy)
    bootstrap = bootstrap_servers(settings)
    already = _records_on(bootstrap, [DEPLOY_COMMANDS.name, DEPLOY_BUILDS.name])
    wanted = missing_records(already, deploy.regions, repo, releases)
    if not wanted:
        return
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    reg = registry()
    for model, fields in wanted:
        record = seal_command(model, fields, producer=PRODUCER)
        topic = DEPLOY_BUILDS.name if model.__name__ == "BuildRelease" else DEPLOY_COMMANDS.name
        producer.produce(topic, key=record.envelope.key.encode(), value=reg.encode(record))
    remaining = producer.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} deploy records not acknowledged by Kafka")


class SampleBuildFailed(RuntimeError):
    """A sample release's build failed: waiting longer would not help."""


class NoWorker(RuntimeError):
    """No worker runs, so nothing builds: waiting longer would not help."""

    def __init__(self, worker: str) -> None:
        super().__init__(f"{worker} ended: nothing builds the sample releases")
        self.worker = worker


async def _release_states(settings: Settings, release_ids: list[str]) -> list[dict[str, object]]:
    from projections.deploy.read import DeployReadModel

    client = aioredis.Redis.from_url(settings.redis_url, socket_timeout=1.0)
    try:
        model = DeployReadModel(client, settings.namespace)
        found = [await model.release(release_id) for release_id in release_ids]
        return [state or {} for state in found]
    finally:
        await client.aclose()


def releases_built(settings: Settings, release_ids: list[str]) -> bool:
    """True once the read model shows every release built and known to the
    orchestrator ("created": a deployment of it is not refused as an unknown
    release); raises SampleBuildFailed when one of them failed to build."""
    try:
        states = asyncio.run(_release_states(settings, release_ids))
    except (OSError, aioredis.RedisError):
        return False
    for release_id, state in zip(release_ids, states, strict=True):
        if state.get("status") == "build_failed":
            raise SampleBuildFailed(
                f"the sample release {release_id} did not build: {state.get('build_failure', '')}"
            )
    return all(state.get("status") == "created" for state in states)


def wait_for_sample_releases(settings: Settings, projector: processes.ServiceProcess) -> None:
    """Until both sample releases are built: the curl `up` prints would
    otherwise meet an unknown release."""
    from onelog.platform import MAX_WORKERS, worker_name

    ids = [release.release_id for release in sample_releases("", "")]
    workers = [worker_name(index) for index in range(1, MAX_WORKERS + 1)]

    def built() -> bool:
        # The builder runs in the workers: once none runs, nothing will build.
        if all(processes.running_pid(settings.state_dir, w) is None for w in workers):
            raise NoWorker(workers[0])
        return releases_built(settings, ids)

    try:
        processes.wait_ready(
            projector, built, timeout=BUILD_WAIT_S, what="showing the sample releases built"
        )
    except NoWorker as gone:
        worker = processes.ServiceProcess(
            gone.worker, projector.pid, processes.log_file(settings.state_dir, gone.worker)
        )
        raise processes.ServiceNotReady(worker, str(gone)) from gone
    except SampleBuildFailed as failure:
        # `up` reports a part that is not ready with its log: the builder
        # runs in the first worker, whose log says why the build failed.
        builder = processes.ServiceProcess(
            "the deploy builder", projector.pid, processes.log_file(settings.state_dir, "worker-1")
        )
        raise processes.ServiceNotReady(builder, str(failure)) from failure
