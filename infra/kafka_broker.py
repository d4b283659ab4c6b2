"""The Apache Kafka broker(s), KRaft mode, as plain Java processes (on loopback
unless ONELOG_KAFKA_BOOTSTRAP names another address).

Jars come from Maven Central through infra/kafka/pom.xml into the ignored
state folder. One broker by default; three for fault tests, each a combined
broker+controller, with replication factor 3 and min.insync.replicas 2.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from infra import processes
from infra.listeners import listens_on
from infra.settings import REPO_ROOT, Settings

POM = REPO_ROOT / "infra" / "kafka" / "pom.xml"
LOG4J_CONFIG = REPO_ROOT / "infra" / "kafka" / "log4j2.yaml"


@dataclass(frozen=True)
class BrokerNode:
    node_id: int
    port: int
    controller_port: int

    @property
    def service_name(self) -> str:
        return f"kafka-{self.node_id}"


def nodes(settings: Settings) -> list[BrokerNode]:
    host_port = settings.kafka_bootstrap.split(",")[0]
    base = int(host_port.rsplit(":", 1)[1])
    return [
        BrokerNode(node_id=i + 1, port=base + 2 * i, controller_port=base + 2 * i + 1)
        for i in range(settings.kafka_brokers)
    ]


def host(settings: Settings) -> str:
    """Where the brokers listen and what they advertise: the host of the first
    bootstrap address (loopback by default; a reachable address exposes them)."""
    return settings.kafka_bootstrap.split(",")[0].rsplit(":", 1)[0]


def bootstrap_servers(settings: Settings) -> str:
    return ",".join(f"{host(settings)}:{n.port}" for n in nodes(settings))


def ensure_jars(settings: Settings) -> Path:
    """Resolve the pinned broker jars once per pom version (safe to run twice)."""
    libs = settings.state_dir / "kafka" / "libs"
    stamp = libs / ".pom-sha256"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return libs
    if libs.exists():
        shutil.rmtree(libs)
    libs.mkdir(parents=True)
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
        ],
        # Maven's own output (colour codes even with -q) would land in front
        # of `onelog --json up`'s JSON: send it to stderr.
        stdout=sys.stderr,
        check=True,
    )
    stamp.write_text(digest)
    return libs


def _server_properties(settings: Settings, node: BrokerNode, all_nodes: list[BrokerNode]) -> str:
    replicas = len(all_nodes)
    min_isr = 2 if replicas >= 3 else 1
    address = host(settings)
    voters = ",".join(f"{n.node_id}@{address}:{n.controller_port}" for n in all_nodes)
    data_dir = settings.state_dir / "kafka" / f"data-{node.node_id}"
    return "\n".join(
        [
            "process.roles=broker,controller",
            f"node.id={node.node_id}",
            f"controller.quorum.voters={voters}",
            f"listeners=PLAINTEXT://{address}:{node.port},CONTROLLER://{address}:{node.controller_port}",
            f"advertised.listeners=PLAINTEXT://{address}:{node.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={data_dir}",
            f"num.partitions={settings.partitions}",
            f"default.replication.factor={replicas}",
            f"min.insync.replicas={min_isr}",
            f"offsets.topic.replication.factor={replicas}",
            # Faust exactly-once runs Kafka transactions: on one broker the
            # transaction log must accept a single replica.
            f"transaction.state.log.replication.factor={replicas}",
            f"transaction.state.log.min.isr={min_isr}",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "log.retention.hours=-1",
            "",
        ]
    )


def start(settings: Settings, timeout: float = 90.0) -> list[BrokerNode]:
    libs = ensure_jars(settings)
    all_nodes = nodes(settings)
    config_dir = settings.state_dir / "kafka" / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    cluster_id_file = settings.state_dir / "kafka" / "cluster-id"
    if not cluster_id_file.exists():
        # KRaft wants a base64 UUID of 22 characters.
        cluster_id_file.write_text(_kraft_cluster_id())
    cluster_id = cluster_id_file.read_text().strip()
    classpath = f"{libs}/*"
    started = []
    for node in all_nodes:
        if processes.port_open(host(settings), node.port):
            continue  # a broker already serves this port (ours, or one started by hand)
        props = config_dir / f"server-{node.node_id}.properties"
        props.write_text(_server_properties(settings, node, all_nodes))
        data_dir = settings.state_dir / "kafka" / f"data-{node.node_id}"
        if not (data_dir / "meta.properties").exists():
            subprocess.run(
                [
                    "java",
                    "-cp",
                    classpath,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(props),
                    "--ignore-formatted",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        broker = processes.start(
            settings.state_dir,
            node.service_name,
            [
                "java",
                "-Xms256m",
                "-Xmx1g",
                "-XX:+UseG1GC",
                f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
                "-cp",
                classpath,
                "kafka.Kafka",
                str(props),
            ],
        )
        started.append((broker, node))
    for broker, node in started:
        processes.wait_ready(
            broker,
            lambda b=broker, n=node: listens_on(b.pid, n.port),  # type: ignore[misc]
            timeout,
        )
    return all_nodes


def _kraft_cluster_id() -> str:
    """A random id as Kafka spells one (url-safe base64 of 16 bytes), never
    beginning with "-": the storage tool would read that id as an option (as
    Kafka's own Uuid.randomUuid avoids it too)."""
    import base64

    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def stop(settings: Settings) -> None:
    for node in reversed(nodes(settings)):
        processes.stop(settings.state_dir, node.service_name, timeout=30.0)


def is_running(settings: Settings) -> bool:
    return all(
        processes.running_pid(settings.state_dir, n.service_name) is not None
        for n in nodes(settings)
    )
