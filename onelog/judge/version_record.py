"""Records the installed toolchains' versions at install (`python -m onelog.toolchains`).

Each language's `version` argv runs once, on the host, and its line goes to
`<judge dir>/toolchains/versions.json` (streams/judge/toolchain_versions.py),
written world-readable by rename so a reader never sees half a file. A
language whose stamp is unchanged keeps its recorded line without a run: the
stamp is the version argv and the size and time of every file it names, so
an apt upgrade of the compiler, or new jars, reads the version again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from streams.judge.languages import Language
from streams.judge.toolchain_versions import version_line, versions_path

# A JVM compiler's -version starts a JVM: seconds, not minutes.
VERSION_TIMEOUT_S = 60
FILE_MODE = 0o644


def version_stamp(argv: Sequence[str]) -> str:
    """The argv and the (size, mtime) of each file it names by absolute path, classpaths split."""
    named: list[Any] = []
    for arg in argv:
        for part in arg.split(":"):
            # Files only: a folder an argv names may be one the tool writes
            # (kotlinc's -d), which would change the stamp on every run.
            if part.startswith("/") and os.path.isfile(part):
                info = os.stat(part)
                named.append([part, info.st_size, info.st_mtime_ns])
    return hashlib.sha256(json.dumps([list(argv), named]).encode()).hexdigest()


def run_version(argv: Sequence[str], tool: str = "") -> str | None:
    """The version line `argv` prints (naming `tool` if one does), or None
    when it cannot run or fails."""
    with tempfile.TemporaryDirectory(prefix="onelog-version-") as scratch:
        try:
            done = subprocess.run(
                list(argv),
                cwd=scratch,
                capture_output=True,
                text=True,
                errors="replace",
                stdin=subprocess.DEVNULL,
                timeout=VERSION_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    if done.returncode != 0:
        return None
    return version_line(done.stdout + "\n" + done.stderr, tool)


def _recorded(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict[str, Any]) -> None:
    fd, scratch = tempfile.mkstemp(prefix=".versions-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
        os.chmod(scratch, FILE_MODE)  # the gateway may run as another user
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def record_versions(languages: Iterable[Language], toolchains: Path) -> list[str]:
    """Reads the version of each language whose stamp changed; returns their ids.

    Other languages' entries are kept, so installing one language leaves the rest.
    """
    path = versions_path(toolchains)
    recorded = _recorded(path)
    read_again = []
    for language in languages:
        stamp = version_stamp(language.version)
        entry = recorded.get(language.id)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            continue
        read_again.append(language.id)
        # None (not installed) is recorded too, so the next install skips it
        # until a file its argv names appears or changes.
        tool = language.name.split()[0]  # "Elixir 1.14" -> "Elixir"
        recorded[language.id] = {"version": run_version(language.version, tool), "stamp": stamp}
    if read_again or not path.exists():
        _write(path, recorded)
    return read_again
