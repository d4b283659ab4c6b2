"""Several gateway processes on one port (`onelog up --gateway-workers N`):
started, each one ready before start_gateway returns, all stopped by stop."""

from __future__ import annotations

import json
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

from infra import processes
from infra.listeners import listening, process_group
from infra.settings import Settings
from onelog import platform
from tests.support.ports import free_port


def _readyz(settings: Settings) -> dict[str, object]:
    url = f"http://127.0.0.1:{settings.gateway_port}/readyz"
    with urllib.request.urlopen(url, timeout=5) as response:
        answer: dict[str, object] = json.load(response)
        return answer


def test_two_gateway_processes_serve_one_port_and_stop_together(
    infrastructure: Settings, tmp_path: Path
) -> None:
    settings = replace(
        infrastructure,
        state_dir=tmp_path / "state",
        api_keys_file=tmp_path / "api-keys.json",
        namespace="gw_" + uuid.uuid4().hex[:8],
        gateway_port=free_port(),
    )
    supervisor = platform.start_gateway(settings, workers=2)
    try:
        # Ready means both answered: every probe from now on is served by one
        # of the two, whichever the kernel hands the connection to.
        answered = {str(_readyz(settings)["process"]) for _ in range(40)}
        assert len(answered) == 2, answered
        # The supervisor and its two workers (and multiprocessing's helper).
        group = process_group(supervisor.pid)
        assert len(group) >= 3, group
    finally:
        assert processes.stop(settings.state_dir, platform.GATEWAY)
    # The supervisor ends after its workers (it joins them); multiprocessing's
    # resource tracker, holding no socket, follows it a moment later.
    left = process_group(supervisor.pid)
    assert not listening(left), [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left]
    processes.wait_until(lambda: not process_group(supervisor.pid), 10, "the gateway's group gone")
