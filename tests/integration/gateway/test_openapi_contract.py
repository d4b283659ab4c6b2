"""/openapi.json is the contract: schemathesis, with every check it has, runs
against a gateway under uvicorn on the real Kafka and Redis (and the projector,
which answers the analysts' SQL), and finds no failure and no error.

What the run leaves aside, and why:
- POST /v1/exchange/batch and /v1/feed/batch: NDJSON lines, each a command
  of its own, tested by test_batch.py and feed/test_commands.py.
- GET /v1/feed/members/{member}/timeline takes an opaque `cursor` that only
  the feed issues (MAC'd): any other string is the documented 400
  `invalid-cursor`, which a check in schemathesis_hooks.py holds it to.
- A run, a submission or a progress mark for a problem nobody published is
  the documented 422 `unknown-problem` (the schema cannot know the problems);
  those three operations may answer valid data with a 422, and the check in
  schemathesis_hooks.py holds it to being exactly that one.
- PUT /v1/deploy/services/{service}/hosts names each host once: JSON Schema
  cannot say a property is unique across a list's items, so the operation may
  answer valid data with a 422, held by a check to being `duplicate_host`.
- POST /v1/music/catalog: NDJSON lines, each an entry of its own, tested by
  music/test_catalog.py.
- POST /v1/music/plays answers each play on its own (a 200 with a status per
  play), so a body whose plays are invalid inside a valid list is a 200
  naming them, held by music/test_plays.py; the list's own shape (1 to
  1,000 plays, nothing else) is a 422 as documented.
- POST /v1/deploy/releases/upload takes a tar.gz: schemathesis's bytes are
  sent gzipped (a hook), as the documented body says; other bytes are the
  documented 422 `invalid-artifact`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.auth import SCOPES, create_api_key
from infra import processes
from infra.settings import Settings
from onelog import platform
from tests.integration.gateway.conftest import unique

pytestmark = pytest.mark.integration

HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
CONFIG = """
headers = { Authorization = "Bearer ${ONELOG_CONTRACT_KEY}" }
# Read no more of an SSE stream than its first events.
max-stream-events = 2

[[operations]]
include-method = "POST"
include-path-regex = "^/v1/judge/(runs|submissions|users/.+/progress/.+)$"
checks.positive_data_acceptance.expected-statuses = [
  "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]

[[operations]]
include-method = "GET"
include-path-regex = "^/v1/feed/members/[^/]+/timeline$"
checks.positive_data_acceptance.expected-statuses = [
  "2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx",
]

[[operations]]
include-method = "POST"
include-path-regex = "^/v1/music/plays$"
checks.negative_data_rejection.expected-statuses = [
  "200", "400", "401", "403", "404", "406", "409", "413", "415", "422", "429",
]

[[operations]]
include-method = "PUT"
include-path-regex = "^/v1/deploy/services/.+/hosts$"
checks.positive_data_acceptance.expected-statuses = [
  "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]
"""


@pytest.fixture
def projector(infrastructure: Settings) -> Iterator[None]:
    """The projector, for POST /v1/analytics/sql: started unless one runs
    (the end-to-end suite's), and stopped after if started here."""
    if processes.running_pid(infrastructure.state_dir, platform.PROJECTOR) is not None:
        yield
        return
    platform.start_projector(infrastructure)
    try:
        yield
    finally:
        processes.stop(infrastructure.state_dir, platform.PROJECTOR)


def test_schemathesis_finds_no_failure_against_openapi_json(
    projector: None, uvicorn_gateway: tuple[str, str], gateway_settings: Settings, tmp_path: Path
) -> None:
    url, _ = uvicorn_gateway
    # Every scope, operators' among them: a key that acts for any account and
    # learner, and a rate limit that never answers 429.
    key = create_api_key(
        gateway_settings.api_keys_file, unique("st"), SCOPES,
        rate_per_minute=10_000_000, burst=100_000,
    )  # fmt: skip
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "--config-file", str(config), "run", f"{url}/openapi.json",
         "--checks", "all", "--exclude-path", "/v1/exchange/batch",
         "--exclude-path", "/v1/feed/batch", "--exclude-path", "/v1/music/catalog",
         "--max-examples", "25", "--seed", "20261130", "--workers", "1",
         "--request-timeout", "10", "--max-failures", "20", "--no-color"],
        env={**os.environ, "ONELOG_CONTRACT_KEY": key, "SCHEMATHESIS_HOOKS": str(HOOKS)},
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, _findings(run.stdout + run.stderr)


def _findings(report: str) -> str:
    """The report from its errors and failures on, each line cut short: a
    generated body can be a megabyte long."""
    start = min((i for i in (report.find("= ERRORS ="), report.find("= FAILURES =")) if i >= 0),
                default=0)  # fmt: skip
    return "\n".join(line[:300] for line in report[start:].splitlines())
