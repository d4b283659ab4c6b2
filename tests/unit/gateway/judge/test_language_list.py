"""GET /v1/judge/languages' listing, from the table, the recorded versions and the harnesses."""

from __future__ import annotations

from pathlib import Path

from gateway.judge.language_list import language_listing
from streams.judge.harness import harnesses
from streams.judge.languages import languages, parse_language

TOOLCHAINS = Path("/var/lib/onelog/judge/toolchains")
SMOKE = '[smoke]\nsource = ""\nstdin = ""\nexpected = ""\n'


def test_each_language_with_its_version_harness_and_default_limits() -> None:
    java = parse_language(
        'id = "java"\nname = "Java (OpenJDK 17)"\nsource_file = "Main.java"\n'
        'version = ["/usr/bin/javac", "-version"]\ncompile = ["/usr/bin/javac", "Main.java"]\n'
        'run = ["/usr/bin/java", "Main"]\n[limits]\nmemory_kb = 524_288\n' + SMOKE,
        where="java.toml",
        toolchains=TOOLCHAINS,
    )
    lua = parse_language(
        'id = "lua"\nname = "Lua 5.4"\nsource_file = "main.lua"\n'
        'version = ["/usr/bin/lua5.4", "-v"]\nrun = ["/usr/bin/lua5.4", "main.lua"]\n' + SMOKE,
        where="lua.toml",
        toolchains=TOOLCHAINS,
    )
    listing = language_listing(
        {"lua": lua, "java": java}, {"java": "javac 17.0.13"}, harnessed={"java"}
    )
    assert listing == [
        {
            "id": "java",
            "name": "Java (OpenJDK 17)",
            "version": "javac 17.0.13",
            "source_file": "Main.java",
            "compiled": True,
            "function_style": True,
            "limits": {"cpu_time_ms": 5_000, "wall_time_ms": 10_000, "memory_kb": 524_288},
        },
        {
            "id": "lua",
            "name": "Lua 5.4",
            "version": None,  # not installed here
            "source_file": "main.lua",
            "compiled": False,
            "function_style": False,
            "limits": {"cpu_time_ms": 5_000, "wall_time_ms": 10_000, "memory_kb": 262_144},
        },
    ]


def test_the_real_table_is_listed_whole() -> None:
    listing = language_listing(languages(), {}, set(harnesses()))
    assert [entry["id"] for entry in listing] == sorted(languages())
    by_id = {entry["id"]: entry for entry in listing}
    assert by_id["python"]["function_style"] and not by_id["python"]["compiled"]
    assert by_id["c"]["compiled"] and by_id["c"]["version"] is None
