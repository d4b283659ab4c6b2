"""`onelog up` waits until every service it started is ready, or exits
non-zero naming the one that is not, with the tail of its log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from infra import platform, processes
from infra.platform import settings_env
from infra.settings import REPO_ROOT, Settings

LAUNCHED_BY_UP = (platform.worker_name(1), platform.PROJECTOR, platform.GATEWAY)


def test_up_names_a_worker_that_cannot_start_and_shows_its_log(infrastructure: Settings) -> None:
    settings = infrastructure
    worker = platform.worker_name(1)
    assert processes.running_pid(settings.state_dir, worker) is None, "a worker-1 already runs"
    already = {n for n in LAUNCHED_BY_UP if processes.running_pid(settings.state_dir, n)}
    port = settings.worker_web_port + 1
    # Another process holds the worker's web port, as the test suite's worker
    # once held `up`'s: the worker dies at start.
    with socket.socket() as squatter:
        # Past connections to an earlier worker may linger in TIME_WAIT.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind((settings.worker_web_host, port))
        squatter.listen()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "infra.cli", "up"],
                cwd=REPO_ROOT,
                env={**os.environ, **settings_env(settings)},
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            for name in reversed(LAUNCHED_BY_UP):
                if name not in already:
                    processes.stop(settings.state_dir, name)
    assert done.returncode != 0, done.stdout
    assert "onelog is up" not in done.stdout
    assert worker in done.stderr
    # The tail of the worker's log says why.
    assert "address already in use" in done.stderr and str(port) in done.stderr, done.stderr
