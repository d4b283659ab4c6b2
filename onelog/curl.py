"""A sample request as the curl line `onelog up` prints."""

from __future__ import annotations

import json
import shlex
from typing import Any


def curl_post(url: str, key: str, body: dict[str, Any]) -> str:
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
