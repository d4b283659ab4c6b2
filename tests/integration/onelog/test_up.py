"""`onelog up` waits until every service it started is ready, or exits
non-zero naming the one that is not, with the tail of its log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

from infra import processes
from infra.settings import REPO_ROOT, Settings
from onelog import platform
from onelog.platform import settings_env
from tests.support.ports import free_port

LAUNCHED_BY_UP = (platform.worker_name(1), platform.PROJECTOR, platform.GATEWAY)


def _own_platform(suite: Settings, state_dir: Path) -> Settings:
    """The suite's Kafka and Redis (up finds them running and leaves them be),
    with a state folder, namespace and ports of its own: the suite's e2e
    platform may be running beside it."""
    state_dir.mkdir()
    # The broker's jars, without resolving them through Maven again.
    (state_dir / "kafka").mkdir()
    (state_dir / "kafka" / "libs").symlink_to(suite.state_dir / "kafka" / "libs")
    return replace(
        suite,
        state_dir=state_dir,
        chdb_path=state_dir / "chdb",
        api_keys_file=state_dir / "api-keys.json",
        namespace="up_" + uuid.uuid4().hex[:8],
        analytics_url=f"http://127.0.0.1:{free_port()}",
        gateway_port=free_port(),
        worker_web_port=free_port() - 1,
    )


def test_up_names_a_worker_that_cannot_start_and_shows_its_log(
    infrastructure: Settings, tmp_path: Path
) -> None:
    settings = _own_platform(infrastructure, tmp_path / "state")
    worker = platform.worker_name(1)
    port = settings.worker_web_port + 1
    # Another process holds the worker's web port, as the test suite's worker
    # once held `up`'s: the worker dies at start.
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind((settings.worker_web_host, port))
        squatter.listen()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "onelog.cli", "up"],
                cwd=REPO_ROOT,
                env={**os.environ, **settings_env(settings)},
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            for name in reversed(LAUNCHED_BY_UP):
                processes.stop(settings.state_dir, name)
    assert done.returncode != 0, done.stdout
    assert "onelog is up" not in done.stdout
    assert worker in done.stderr
    # The tail of the worker's log says why.
    assert "address already in use" in done.stderr and str(port) in done.stderr, done.stderr
