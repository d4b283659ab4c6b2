"""Where the read-side benchmarks (bench.replay, bench.projector_latency) run:
a platform of their own, beside the other benchmarks' (bench/support.py).

They write a synthetic session's commands straight to the log, facts decided
offline beside them. On the other benchmarks' log a stage worker started
later would decide those commands again, and bench.pipeline would first wade
through them; so these keep their own state folder and ports (any ONELOG_*
variable set by the caller still wins). The log stays in the state folder
between runs: bench.replay reuses it when it is long enough.
"""

from __future__ import annotations

import os

from bench import support
from infra.settings import Settings

READ_SIDE_ENVIRONMENT = {
    "ONELOG_STATE_DIR": "/tmp/onelog-bench-read",
    "ONELOG_KAFKA_BOOTSTRAP": "127.0.0.1:39192",
    "ONELOG_REDIS_URL": "redis://127.0.0.1:36479/0",
    "ONELOG_ANALYTICS_URL": "http://127.0.0.1:38224",
    "ONELOG_GATEWAY_PORT": "38180",
    "ONELOG_WORKER_WEB_PORT": "36166",
}


def read_side_settings() -> Settings:
    """The read-side benchmarks' settings: their own ports and state folder
    unless ONELOG_* variables say otherwise."""
    for name, value in READ_SIDE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    return support.bench_settings()
