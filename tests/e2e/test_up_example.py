"""What `onelog up` prints works as printed: the judge example is Accepted."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("domain_services_stopped_after")
def test_the_judge_example_that_up_prints_is_accepted(running_platform: Platform) -> None:
    # `up` on the running platform starts nothing new; it publishes the
    # problems, waits until all is ready and prints its curls.
    up = onelog(running_platform, "up")
    assert up.returncode == 0, up.stderr
    printed = json.loads(up.stdout)
    sent = subprocess.run(
        ["bash", "-c", printed["judge_curl"]], capture_output=True, text=True, timeout=30
    )
    assert sent.returncode == 0, sent.stderr
    submission_id = json.loads(sent.stdout)["submission_id"]

    headers = {"Authorization": f"Bearer {printed['api_key']}"}
    with httpx.Client(base_url=printed["gateway"], headers=headers, timeout=10) as http:

        def judged() -> dict[str, Any] | None:
            answer: dict[str, Any] = http.get(f"/v1/judge/submissions/{submission_id}").json()
            return answer if answer.get("status") == "judged" else None

        verdict = eventually(judged, timeout=180, what="the example submission judged")
    assert (verdict["verdict"], verdict["label"]) == ("accepted", "Accepted"), verdict
