"""The judge's sample request `onelog up` prints to try the platform.

The example submits the problem's own reference solution (which the
suite holds Accepted), so the example cannot drift from the problem it solves.
"""

from __future__ import annotations

from onelog.curl import curl_post
from streams.judge.catalog import reference_solutions

JUDGE_PROBLEM = "a-plus-b"
JUDGE_LANGUAGE = "python"


def judge_curl(gateway_url: str, key: str) -> str:
    body = {
        "user_id": "alice",
        "problem_id": JUDGE_PROBLEM,
        "language": JUDGE_LANGUAGE,
        "source": reference_solutions(JUDGE_PROBLEM)[JUDGE_LANGUAGE],
    }
    return curl_post(f"{gateway_url}/v1/judge/submissions", key, body)
