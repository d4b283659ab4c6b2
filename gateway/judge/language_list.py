"""GET /v1/judge/languages: the languages the judge runs, as Judge0's /languages
and Piston's /runtimes list theirs.

The listing is the language table (streams/judge/languages/) with the version
the installer recorded (streams/judge/toolchain_versions.py; null where the
toolchain is not installed), whether function-style problems run in it (a
harness, streams/judge/harness/), and its default run limits (before a
problem's own). Any key with judge:read may ask.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.json_response import JSONResponse
from gateway.judge.commands import READ
from gateway.services import admitted
from streams.judge.harness import harnesses
from streams.judge.judge_dir import JudgeDir
from streams.judge.languages import Language, languages
from streams.judge.limits import effective_limits
from streams.judge.toolchain_versions import read_versions


def language_listing(
    table: Mapping[str, Language], versions: Mapping[str, str], harnessed: Collection[str]
) -> list[dict[str, Any]]:
    """One entry per language, by id."""
    listing = []
    for language_id in sorted(table):
        language = table[language_id]
        limits = effective_limits(language=language.limits)
        listing.append(
            {
                "id": language.id,
                "name": language.name,
                "version": versions.get(language.id),
                "source_file": language.source_file,
                "compiled": language.compiled,
                "function_style": language.id in harnessed,
                "limits": {
                    "cpu_time_ms": limits.cpu_time_ms,
                    "wall_time_ms": limits.wall_time_ms,
                    "memory_kb": limits.memory_kb,
                },
            }
        )
    return listing


async def languages_endpoint(request: Request) -> Response:
    """{"languages": [{id, name, version, source_file, compiled, function_style, limits}...]}"""
    services, _ = await admitted(request, READ)
    # versions.json is read each time (a few KB): an install while the gateway
    # runs shows without a restart.
    versions = read_versions(JudgeDir(services.settings.judge_dir).toolchains)
    return JSONResponse({"languages": language_listing(languages(), versions, set(harnesses()))})
