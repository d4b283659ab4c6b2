"""A sample request as the curl line `onelog up` prints."""

from __future__ import annotations

import json
import shlex
from typing import Any


def curl_post(url: str, key: str, body: dict[str, Any]) -> str:
    return curl_request("POST", url, key, body)


def curl_request(method: str, url: str, key: str, body: dict[str, Any] | None = None) -> str:
    """Any method; a body goes as JSON."""
    words = [f"curl -s -X {method}", shlex.quote(url), "-H"]
    words.append(shlex.quote(f"Authorization: Bearer {key}"))
    if body is not None:
        words += ["-H", shlex.quote("Content-Type: application/json")]
        words += ["-d", shlex.quote(json.dumps(body))]
    return " ".join(words)
