"""The gateway's own knobs, read once from ONELOG_GATEWAY_* variables.

They live apart from infra.settings.Settings because only the gateway reads
them; `Settings.extra` may override any of them by field name (tests do).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from infra.settings import Settings


@dataclass(frozen=True)
class GatewayConfig:
    # Short on purpose: a dead broker must turn into a 503 within seconds,
    # not hang a client for librdkafka's default of five minutes.
    delivery_timeout_ms: int = 3000
    # With replicas, a broker's death moves partition leaders, which takes
    # seconds; 3 s would answer 503 for records that then land.
    replicated_delivery_timeout_ms: int = 15000
    # What a 503 tells a client to wait before trying again.
    unavailable_retry_after_s: int = 2
    # Records one process may await Kafka's reports for; past it a write is a
    # 503 before anything is produced (gateway/backlog.py). A process acks
    # ~3,000 single orders or ~30,000 batch lines a second: this is seconds
    # of work, about what the delivery timeout allows a record to wait.
    max_pending_records: int = 20_000
    max_body_bytes: int = 64 * 1024
    # A request's body must have arrived this long after the request began;
    # past it the answer is a 408 and the connection is closed.
    body_timeout_s: float = 30.0
    max_batch_body_bytes: int = 4 * 1024 * 1024
    max_batch_lines: int = 5000
    # The rate a key gets unless its entry in the key file says otherwise.
    default_rate_per_minute: int = 600
    default_burst: int = 100
    idempotency_ttl_s: int = 24 * 3600
    readiness_timeout_s: float = 2.0
    # The longest a request waits for a Redis reply (rate limit, idempotency,
    # read models); past it the request is a 503 with Retry-After.
    redis_timeout_s: float = 2.0
    # Redis connections one process opens at most; a request waits for a
    # free one within redis_timeout_s (redis-py's own pool refuses the 101st
    # at once: under load, those were 503s).
    redis_max_connections: int = 128
    # SSE comment lines keep proxies from closing a quiet market's stream.
    stream_keepalive_s: float = 15.0
    # Every SSE stream ends after this long (a clean end, then a client's
    # EventSource reconnects and gets a fresh snapshot); one whose client
    # stops reading is cut off a keepalive later.
    stream_max_s: float = 600.0
    # The gateway remembers each run and submission id it issued for this
    # long: a read of one the projector does not show yet waits for it until
    # then; any other unknown id is a 404 at once.
    issued_wait_s: float = 5.0


def load_gateway_config(settings: Settings) -> GatewayConfig:
    """Defaults, overridden by ONELOG_GATEWAY_<FIELD>, overridden by settings.extra."""
    values: dict[str, object] = {}
    for f in fields(GatewayConfig):
        raw = settings.extra.get(f.name) or os.environ.get(f"ONELOG_GATEWAY_{f.name.upper()}")
        if raw is None:
            continue
        values[f.name] = float(raw) if isinstance(f.default, float) else int(raw)
    config = GatewayConfig(**values)  # type: ignore[arg-type]
    if settings.kafka_brokers > 1 and "delivery_timeout_ms" not in values:
        return replace(config, delivery_timeout_ms=config.replicated_delivery_timeout_ms)
    return config
