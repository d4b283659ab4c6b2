"""One settings object for every onelog process, read once from ONELOG_* variables.

Defaults are the embedded local platform that `onelog up` starts: every port on
loopback and every state folder under `.onelog/` in the checkout, but the
judge's (`judge_dir`), which its sandbox's uids must reach wherever the checkout is.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"ONELOG_{name}", default)


@dataclass(frozen=True)
class Settings:
    state_dir: Path
    kafka_bootstrap: str
    kafka_brokers: int
    redis_url: str
    # None: chDB embedded in the projector process; set: a ClickHouse server.
    clickhouse_url: str | None
    chdb_path: Path
    # The projector process owns chDB and answers read-only SQL here.
    analytics_url: str
    gateway_host: str
    gateway_port: int
    partitions: int
    # Read-model namespace: Redis key prefix and ClickHouse database.
    namespace: str
    worker_web_port: int
    # Where each worker's web port (its /readyz) listens: loopback unless exposed.
    worker_web_host: str
    # Faust commits (and ends each stage's transaction) this often: most of a
    # stage's latency, since read_committed readers see facts only then.
    commit_interval_s: float
    commit_every: int
    # Which worker slot this process is (`onelog up` passes 1, 2, ...): names
    # the stage engine's transactional producers, so a restarted worker fences
    # its dead predecessor at once. Unset: unique per process (no fencing; a
    # dead worker's open transaction then ends only by its timeout).
    worker_id: str
    # The stage engine's batch: at most this many input records per Kafka
    # transaction, and how long to wait for more once one has arrived (0: take
    # only what is already fetched). Larger batches and a wait raise the
    # throughput a commit's fixed cost allows and add latency.
    stage_batch_max: int
    stage_batch_wait_ms: int
    # The projector's path from a committed fact to Redis (projections/
    # projector.py): a fetch waits at most fetch_wait_ms for new records
    # (lower: visible sooner, more empty fetches while idle); a batch takes at
    # most batch_max records (larger: fewer Redis round trips under load, a
    # longer wait for a batch's first record); ClickHouse inserts and position
    # commits run beside that path every flush_s (larger: fewer, bigger
    # inserts, more to read again after a crash).
    projector_fetch_wait_ms: int
    projector_batch_max: int
    projector_flush_s: float
    api_keys_file: Path
    # The judge's toolchains and compile cache (each run's /box): outside any
    # checkout, which may sit in a home no sandbox uid can enter.
    judge_dir: Path
    # The compile cache's size bound (streams/judge/compile_cache.py): past it,
    # each publish evicts the least recently used entries not in use.
    judge_compile_cache_mb: int = 512
    extra: dict[str, str] = field(default_factory=dict)
    # Environment for this platform's child processes only (a domain's rules,
    # ONELOG_FEED_*): a test runs its platform under its own rules without
    # leaving them in its own environment for the tests after it.
    process_env: dict[str, str] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"


def _recorded_broker_count(state_dir: Path) -> str:
    """`onelog up --brokers 3` records the count so later commands find all three."""
    try:
        return (state_dir / "kafka" / "brokers").read_text().strip()
    except FileNotFoundError:
        return "1"


def load_settings() -> Settings:
    state_dir = Path(_env("STATE_DIR", str(REPO_ROOT / ".onelog")))
    return Settings(
        state_dir=state_dir,
        kafka_bootstrap=_env("KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
        kafka_brokers=int(_env("KAFKA_BROKERS", _recorded_broker_count(state_dir))),
        redis_url=_env("REDIS_URL", "redis://127.0.0.1:16379/0"),
        clickhouse_url=os.environ.get("CLICKHOUSE_URL") or None,
        chdb_path=Path(_env("CHDB_PATH", str(state_dir / "chdb"))),
        analytics_url=_env("ANALYTICS_URL", "http://127.0.0.1:18124"),
        gateway_host=_env("GATEWAY_HOST", "127.0.0.1"),
        gateway_port=int(_env("GATEWAY_PORT", "18080")),
        partitions=int(_env("PARTITIONS", "4")),
        namespace=_env("NAMESPACE", "live"),
        worker_web_port=int(_env("WORKER_WEB_PORT", "16066")),
        worker_web_host=_env("WORKER_WEB_HOST", "127.0.0.1"),
        commit_interval_s=float(_env("COMMIT_INTERVAL", "0.1")),
        commit_every=int(_env("COMMIT_EVERY", "1000")),
        worker_id=_env("WORKER_ID", f"{socket.gethostname()}-{os.getpid()}"),
        stage_batch_max=int(_env("STAGE_BATCH_MAX", "2000")),
        stage_batch_wait_ms=int(_env("STAGE_BATCH_WAIT_MS", "0")),
        projector_fetch_wait_ms=int(_env("PROJECTOR_FETCH_WAIT_MS", "10")),
        projector_batch_max=int(_env("PROJECTOR_BATCH_MAX", "5000")),
        projector_flush_s=float(_env("PROJECTOR_FLUSH_S", "1.0")),
        api_keys_file=Path(_env("API_KEYS_FILE", str(state_dir / "api-keys.json"))),
        judge_dir=Path(_env("JUDGE_DIR", "/var/lib/onelog/judge")),
        judge_compile_cache_mb=int(_env("JUDGE_COMPILE_CACHE_MB", "512")),
    )


@cache
def settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return load_settings()
