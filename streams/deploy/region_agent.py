"""The region agent: one process per region, carrying out the orchestrator's
instructions on that region's hosts.

    python -m streams.deploy.region_agent --region us-east

It reads deploy.instructions (group onelog.deploy.agent.<region>,
read_committed, offsets committed by hand only after a whole batch is done
and its reports are on the log: a killed agent re-reads what it had not
finished, and every step checks the disk first, so doing it again is
harmless). Records for other regions are skipped. Hosts of a batch work in
parallel; per host only its last instruction of the batch is carried out
(host_plan.latest_per_host). Each step goes out as HostStepReported on
deploy.host-steps, enveloped from the instruction like any fact.

Beside that it serves the region cache over HTTP on region_cache_url(region):
hosts fetch artifacts from it, and it fetches each from the origin once.
Host processes outlive the agent (they are the hosts' software, not the
agent's); a restarted agent adopts them from their pid files.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import signal
import threading
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from confluent_kafka import Consumer, KafkaException, Message, Producer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import settings
from schemas.codec import DecodeError
from schemas.deploy.records import HostStepReported, InstallRelease, RestoreRelease
from schemas.deploy.topics import DEPLOY_INSTRUCTIONS
from schemas.registry import registry
from streams.deploy.blob_server import BlobStats, blob_server
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.host_actions import HostTools, install, restore
from streams.deploy.host_folder import HostFolder
from streams.deploy.host_plan import Instruction, latest_per_host
from streams.deploy.region_cache import RegionCache
from streams.deploy.signing import load_public_key
from streams.records import encoded_fact

log = logging.getLogger("onelog.deploy.region_agent")

_BATCH_MAX = 200
_HOST_WORKERS = 16
_FETCH_BUFFER = 1 << 20


def agent_name(region: str) -> str:
    """The process name `onelog up` gives the agent of `region`."""
    return f"deploy-agent-{region}"


def agent_argv(python: str, region: str) -> list[str]:
    return [python, "-m", "streams.deploy.region_agent", "--region", region]


def consumer_group(region: str) -> str:
    return f"onelog.deploy.agent.{region}"


def stop_region_hosts(deploy: DeploySettings, region: str) -> list[str]:
    """Stop every release process on the region's hosts (`onelog down`, tests):
    they outlive the agent by design, so something must end them. Returns
    "<host_id>/<version>" for each stopped."""
    hosts = deploy.region_dir(region) / "hosts"
    stopped: list[str] = []
    if hosts.is_dir():
        for host in sorted(p for p in hosts.iterdir() if p.is_dir()):
            stopped += [f"{host.name}/{v}" for v in HostFolder(host).stop_all_except(None)]
    return stopped


class PublicKeySource:
    """The public key, read when first there: the agent may start before
    anything has signed (and so before the key exists)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._key: Ed25519PublicKey | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Ed25519PublicKey | None:
        with self._lock:
            if self._key is None and self._path.is_file():
                self._key = load_public_key(self._path)
            return self._key


def fetch_from_cache(cache_url: str, timeout_s: float = 30.0) -> Callable[[str, HostFolder], None]:
    """A fetch for HostTools: GET cache_url/blobs/<digest> into the host's
    downloads, under a temporary name renamed into place, hashed as it comes
    (the `verified` step then reads no byte again)."""

    def fetch(digest: str, folder: HostFolder) -> None:
        folder.downloads.mkdir(parents=True, exist_ok=True)
        final = folder.download_path(digest)
        tmp = folder.downloads / f".{digest}.{threading.get_ident()}.part"
        received = hashlib.sha256()
        buffer = bytearray(_FETCH_BUFFER)
        view = memoryview(buffer)
        try:
            with (
                urllib.request.urlopen(f"{cache_url}/blobs/{digest}", timeout=timeout_s) as resp,
                open(tmp, "wb") as out,
            ):
                while size := resp.readinto(buffer):
                    received.update(view[:size])
                    out.write(view[:size])
            folder.note_received_sha256(digest, received.hexdigest())
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    return fetch


class RegionAgent:
    def __init__(self, deploy: DeploySettings, region: str, bootstrap: str) -> None:
        if region not in deploy.regions:
            raise SystemExit(f"unknown region {region!r}; regions: {', '.join(deploy.regions)}")
        self.deploy = deploy
        self.region = region
        self.producer_name = f"deploy.agent.{region}"
        self.cache = RegionCache(deploy.region_dir(region) / "cache", deploy.origin_url)
        cache_url = deploy.region_cache_url(region)
        address = urlsplit(cache_url)
        self.server = blob_server(
            address.hostname or "127.0.0.1",
            address.port or 80,
            self.cache.path,
            BlobStats(),
            extra_stats=self.cache.stats,
        )
        self.tools = HostTools(
            fetch=fetch_from_cache(cache_url),
            public_key=PublicKeySource(deploy.public_key_path),
            discard=self.cache.discard,
        )
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": consumer_group(region),
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                # A killed agent's partitions go to its restart this soon.
                "session.timeout.ms": 10_000,
            }
        )
        self.producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "enable.idempotence": True,
                "partitioner": LIBRDKAFKA_PARTITIONER,
            }
        )
        self.pool = ThreadPoolExecutor(_HOST_WORKERS, thread_name_prefix=f"host-{region}")
        self.stopping = threading.Event()

    def run(self) -> None:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()
        self.consumer.subscribe([DEPLOY_INSTRUCTIONS.name])
        log.info("region %s: cache on %s", self.region, self.deploy.region_cache_url(self.region))
        try:
            while not self.stopping.is_set():
                messages = self.consumer.consume(num_messages=_BATCH_MAX, timeout=0.5)
                if messages:
                    self.handle_batch(messages)
        finally:
            self.close()

    def handle_batch(self, messages: list[Message]) -> None:
        instructions: list[Instruction] = []
        for message in messages:
            if message.error():
                log.warning("consume error: %s", message.error())
                continue
            value = message.value()
            try:
                record = registry().decode(value) if value is not None else None
            except DecodeError as exc:
                log.warning("skipped an undecodable record at offset %s: %s", message.offset(), exc)
                continue
            if isinstance(record, (InstallRelease, RestoreRelease)):
                instructions.append(record)
        work = latest_per_host(instructions, self.region)
        for done in [self.pool.submit(self.carry_out, order) for order in work]:
            done.result()  # re-raises an agent bug: better to die than commit past it
        if self.producer.flush(30) != 0:
            raise KafkaException("host step reports not delivered within 30 s")
        self.consumer.commit(asynchronous=False)

    def carry_out(self, order: Instruction) -> None:
        folder = HostFolder(self.deploy.host_dir(self.region, order.host_id))
        index = 0

        def report(step: str, ok: bool, duration_ms: int, detail: str) -> None:
            nonlocal index
            fact = (
                HostStepReported,
                {
                    "deployment_id": order.deployment_id,
                    "service": order.service,
                    "region": order.region,
                    "host_id": order.host_id,
                    "action": "install" if isinstance(order, InstallRelease) else "restore",
                    "attempt": order.attempt,
                    "version": order.version,
                    "step": step,
                    "ok": ok,
                    "duration_ms": duration_ms,
                    "detail": detail,
                },
            )
            topic, key, value = encoded_fact(fact, order, index, self.producer_name)
            index += 1
            self.producer.produce(topic, key=key, value=value)
            self.producer.poll(0)
            log.info(
                "%s %s %s %s %s: %s ok=%s %s",
                order.service,
                order.host_id,
                order.deployment_id,
                order.attempt,
                order.version,
                step,
                ok,
                detail,
            )

        if isinstance(order, InstallRelease):
            install(folder, self.tools, order, report)
        else:
            restore(folder, self.tools, order, report)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.producer.flush(30)
        self.consumer.close()
        self.server.shutdown()
        self.server.server_close()
        log.info("region %s: agent stopped", self.region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--region", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    platform = settings()
    agent = RegionAgent(deploy_settings(platform), args.region, platform.kafka_bootstrap)

    def stop(signum: int, frame: FrameType | None) -> None:
        agent.stopping.set()  # the current batch ends (bounded), then the loop

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    agent.run()


if __name__ == "__main__":
    main()
