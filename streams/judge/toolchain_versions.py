"""The installed toolchains' versions: `<judge dir>/toolchains/versions.json`.

`python -m onelog.toolchains` runs each language's `version` argv once at
install and records what it printed here, so a reader (the gateway's
`GET /v1/judge/languages`) never starts a compiler to answer. The file maps a
language id to {"version": <line>, "stamp": <what it was read from>}; a
language absent from it is not installed (or printed nothing usable).

Pure apart from reading the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

VERSIONS_FILE = "versions.json"
# A version is the line that shows one: "gcc (Debian 12.2.0-14) 12.2.0",
# "javac 17.0.13", "v18.19.0". Kept short: it is shown, not parsed.
_VERSION_LOOKING = re.compile(r"\d+\.\d+")
MAX_VERSION_CHARS = 120


def versions_path(toolchains: Path) -> Path:
    return toolchains / VERSIONS_FILE


def version_line(output: str, tool: str = "") -> str | None:
    """The first line of a `--version` output that looks like a version, else its first line.

    Some tools print a warning or a banner first (a JVM option, "info:"), so
    the first line holding a dotted number wins over the first line; and some
    print their runtime's version before their own (`elixir --version` names
    Erlang/OTP first), so a versioned line naming `tool` wins over both.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if not lines:
        return None
    versioned = [line for line in lines if _VERSION_LOOKING.search(line)]
    naming_tool = [line for line in versioned if tool and tool.lower() in line.lower()]
    chosen = (naming_tool or versioned or lines)[0]
    return chosen[:MAX_VERSION_CHARS]


def parse_versions(text: str) -> dict[str, str]:
    """language id -> version, from the file's text; whatever is malformed is left out."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        language_id: entry["version"]
        for language_id, entry in data.items()
        if isinstance(entry, dict) and isinstance(entry.get("version"), str)
    }


def read_versions(toolchains: Path) -> dict[str, str]:
    """language id -> version of what is installed; {} before the first install."""
    try:
        return parse_versions(versions_path(toolchains).read_text(encoding="utf-8"))
    except OSError:
        return {}
