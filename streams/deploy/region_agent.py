"""The region agent: one process per region, carrying out the orchestrator's
instructions on that region's hosts.

    python -m streams.deploy.region_agent --region us-east

It reads deploy.instructions (group onelog.deploy.agent.<region>,
read_committed) and starts each instruction as soon as it is read: hosts
work independently, one instruction per host at a time, and of those that
came while a host was busy only the last is carried out (agent_work). An
offset is committed by hand only once it and all before it are done and
their reports are on the log: a killed agent re-reads what it had not
finished, and every step checks the disk first, so doing it again is
harmless. Records for other regions are skipped. Each step goes out as
HostStepReported on deploy.host-steps, enveloped from the instruction like
any fact.

Beside that it serves the region cache over HTTP on region_cache_url(region):
hosts fetch artifacts from it, and it fetches each from the origin once.
Host processes outlive the agent (they are the hosts' software, not the
agent's); a restarted agent adopts them from their pid files.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from confluent_kafka import Consumer, KafkaException, Message, Producer, TopicPartition
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import settings
from schemas.codec import DecodeError
from schemas.deploy.records import HostStepReported, InstallRelease, RestoreRelease
from schemas.deploy.topics import DEPLOY_INSTRUCTIONS
from schemas.registry import registry
from streams.deploy.agent_work import Position, Task, WorkInFlight
from streams.deploy.blob_server import BlobStats, blob_server
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.download import Download, receive
from streams.deploy.host_actions import HostTools, install, restore
from streams.deploy.host_folder import HostFolder
from streams.deploy.host_plan import Instruction
from streams.deploy.host_ports import PortPicker
from streams.deploy.region_cache import RegionCache
from streams.deploy.signing import load_public_key
from streams.records import encoded_fact

log = logging.getLogger("onelog.deploy.region_agent")

_BATCH_MAX = 200
_HOST_WORKERS = 16
# The loop's wait for a record; it returns as soon as one is there.
_POLL_S = 0.1
# Reports delivered before an offset is committed; a broker this slow is down.
_FLUSH_S = 30.0
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


def fetch_from_cache(
    cache_url: str, timeout_s: float = 30.0
) -> Callable[[str, int, HostFolder], Download]:
    """A fetch for HostTools: GET cache_url/blobs/<digest>, hashed as it comes,
    held in memory (or, too big for that, in the host's downloads)."""

    def fetch(digest: str, declared_size: int, folder: HostFolder) -> Download:
        url = f"{cache_url}/blobs/{digest}"
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return receive(response.readinto, declared_size, folder.download_path(digest))

    return fetch


class RegionAgent:
    def __init__(self, deploy: DeploySettings, region: str, bootstrap: str) -> None:
        if region not in deploy.regions:
            raise SystemExit(f"unknown region {region!r}; regions: {', '.join(deploy.regions)}")
        self.deploy = deploy
        self.region = region
        self.producer_name = f"deploy.agent.{region}"
        self.ports = PortPicker.slice_of(deploy.regions.index(region), len(deploy.regions))
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
        self.work = WorkInFlight()
        self.work_lock = threading.Lock()
        self.work_changed = threading.Condition(self.work_lock)
        self.failure: BaseException | None = None

    def run(self) -> None:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()
        self.consumer.subscribe([DEPLOY_INSTRUCTIONS.name], on_revoke=self._revoked)
        log.info("region %s: cache on %s", self.region, self.deploy.region_cache_url(self.region))
        try:
            while not self.stopping.is_set():
                # One record ends the wait (a batch of many waited its whole
                # timeout), then whatever else is already there.
                messages = self.consumer.consume(num_messages=1, timeout=_POLL_S)
                if messages:
                    messages += self.consumer.consume(num_messages=_BATCH_MAX, timeout=0)
                self.handle(messages)
                self.commit_done()
        finally:
            self.close()

    def handle(self, messages: list[Message]) -> None:
        """Note each record read; start what a free host can do now."""
        for message in messages:
            if message.error():
                log.warning("consume error: %s", message.error())
                continue
            with self.work_lock:
                task = self.work.read(
                    Position(message.partition() or 0, message.offset() or 0),
                    self._instruction(message),
                )
            if task is not None:
                self._submit(task)

    def _instruction(self, message: Message) -> Instruction | None:
        value = message.value()
        try:
            record = registry().decode(value) if value is not None else None
        except DecodeError as exc:
            log.warning("skipped an undecodable record at offset %s: %s", message.offset(), exc)
            return None
        if isinstance(record, (InstallRelease, RestoreRelease)) and record.region == self.region:
            return record
        return None

    def _submit(self, task: Task) -> None:
        try:
            running = self.pool.submit(self.carry_out, task.instruction)
        except RuntimeError:  # the pool closed meanwhile: read again after a restart
            return
        running.add_done_callback(lambda done: self._finished(task, done))

    def _finished(self, task: Task, done: Future[None]) -> None:
        """In the worker's thread: the host's next task, if one waits."""
        error = done.exception()
        with self.work_lock:
            if error is not None:
                # An agent bug: nothing past it may be committed; the loop dies of it.
                self.failure = self.failure or error
                self.work_changed.notify_all()
                return
            following = self.work.finished(task)
            self.work_changed.notify_all()
        if following is not None and not self.stopping.is_set():
            self._submit(following)

    def commit_done(self) -> None:
        """Commit every partition's done prefix, its reports delivered first."""
        with self.work_lock:
            if self.failure is not None:
                raise self.failure
            advanced = self.work.committable()
        if not advanced:
            return
        if self.producer.flush(_FLUSH_S) != 0:
            raise KafkaException(f"host step reports not delivered within {_FLUSH_S:.0f} s")
        self.consumer.commit(
            offsets=[
                TopicPartition(DEPLOY_INSTRUCTIONS.name, partition, offset)
                for partition, offset in advanced.items()
            ],
            asynchronous=False,
        )

    def _revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Partitions taken away (another agent of the region came): the
        hosts' work in flight ends first (each step is bounded), what is done
        is committed, the rest is read again by whoever gets them. Closing
        has done that already (close)."""
        if not self.stopping.is_set():
            self._wait_idle()
            self.commit_done()
        with self.work_lock:
            self.work.forget()

    def _wait_idle(self) -> None:
        with self.work_lock:
            while not self.work.idle and self.failure is None:
                self.work_changed.wait(timeout=1.0)

    def carry_out(self, order: Instruction) -> None:
        folder = HostFolder(self.deploy.host_dir(self.region, order.host_id), self.ports)
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
        self.stopping.set()  # no waiting task is started any more
        self.pool.shutdown(wait=True)
        if self.failure is None:
            try:
                self.commit_done()
            except KafkaException as exc:
                log.warning("region %s: last commit failed (read again): %s", self.region, exc)
        self.producer.flush(_FLUSH_S)
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
