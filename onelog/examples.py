"""The curls `onelog up` prints to try the platform.

The judge's example submits the problem's own reference solution (which the
suite holds Accepted), so the example cannot drift from the problem it solves.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from streams.judge.catalog import reference_solutions

JUDGE_PROBLEM = "a-plus-b"
JUDGE_LANGUAGE = "python"


def _post(url: str, key: str, body: dict[str, Any]) -> str:
    return " ".join(
        [
            "curl -s -X POST",
            shlex.quote(url),
            "-H",
            shlex.quote(f"Authorization: Bearer {key}"),
            "-H",
            shlex.quote("Content-Type: application/json"),
            "-d",
            shlex.quote(json.dumps(body)),
        ]
    )


def exchange_curl(gateway_url: str, key: str) -> str:
    return _post(f"{gateway_url}/v1/exchange/accounts/alice/deposits", key, {"amount": 100000})


def judge_curl(gateway_url: str, key: str) -> str:
    body = {
        "user_id": "alice",
        "problem_id": JUDGE_PROBLEM,
        "language": JUDGE_LANGUAGE,
        "source": reference_solutions(JUDGE_PROBLEM)[JUDGE_LANGUAGE],
    }
    return _post(f"{gateway_url}/v1/judge/submissions", key, body)
