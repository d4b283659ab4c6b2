"""The language table: every file loads, and what it says is usable by the sandbox and installer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streams.judge.judge_dir import judge_dir
from streams.judge.languages import (
    LANGUAGES_ROOT,
    LanguageTableError,
    load_languages,
    parse_language,
)
from streams.judge.limits import CEILING, LimitOverrides
from streams.judge.toolchain import COMPILE_LIMITS, cache_key, compile_limits

# Issue 3: the AlgoExpert set plus C, Rust and Ruby; Swift has no toolchain in
# any registry this machine reaches (docs/judge-languages.md).
EXPECTED = {
    "python", "javascript", "typescript", "java", "cpp", "go", "csharp", "kotlin",
    "c", "rust", "ruby",
    # Issue 13: languages as data.
    "php", "perl", "lua", "bash", "sqlite", "tcl", "awk", "fortran", "pascal",
    "d", "commonlisp", "prolog", "cobol", "ocaml", "erlang", "elixir", "scheme",
}  # fmt: skip

MINIMAL = """
id = "demo"
name = "Demo 1"
source_file = "main.demo"
version = ["/usr/bin/demo", "--version"]
run = ["/usr/bin/demo", "main.demo"]
[smoke]
source = "x"
stdin = ""
expected = ""
"""


def test_every_language_file_loads_and_is_named_by_its_id() -> None:
    table = load_languages()
    assert set(table) == EXPECTED
    assert {p.stem for p in LANGUAGES_ROOT.glob("*.toml")} == EXPECTED
    assert all(language.id == language_id for language_id, language in table.items())


def test_names_and_source_files_are_distinct() -> None:
    table = load_languages().values()
    assert len({language.name for language in table}) == len(table)
    assert len({language.source_file for language in table}) == len(table)


@pytest.mark.parametrize("language_id", sorted(EXPECTED))
def test_argv_are_absolute_or_run_from_the_box(language_id: str) -> None:
    language = load_languages(toolchains=Path("/opt/tc"))[language_id]
    for argv in (language.run, language.version, language.compile or ("./x",)):
        program = argv[0]
        # The sandbox's PATH is fixed; naming the program's path says which one runs.
        assert program.startswith(("/usr/bin/", "/opt/tc/", "./")), argv
        assert not any("{" in arg for arg in argv), argv
    if language.compile is not None:
        assert language.source_file in language.compile


@pytest.mark.parametrize("language_id", sorted(EXPECTED))
def test_toolchain_paths_are_read_only_binds_under_the_toolchains_dir_or_etc(
    language_id: str,
) -> None:
    language = load_languages(toolchains=Path("/opt/tc"))[language_id]
    for path in language.read_only:
        assert path.startswith(("/opt/tc/", "/etc/")), path
    mentioned = " ".join((*(language.compile or ()), *language.run))
    if "/opt/tc/" in mentioned:
        assert any(path.startswith("/opt/tc/") for path in language.read_only)


@pytest.mark.parametrize("language_id", sorted(EXPECTED))
def test_limits_stay_under_the_ceiling_and_compiles_get_more_than_runs(language_id: str) -> None:
    language = load_languages()[language_id]
    built = compile_limits(language)
    for overrides in (language.limits, language.compile_limits):
        for name, value in vars(overrides).items():
            # A value the ceiling would clamp is a silent lie in the table.
            assert value is None or value <= getattr(CEILING, name), (name, value)
    assert built.wall_time_ms >= COMPILE_LIMITS.wall_time_ms
    assert built.file_size_kb >= COMPILE_LIMITS.file_size_kb


def test_smoke_tests_say_what_they_expect() -> None:
    for language in load_languages().values():
        assert language.smoke.source.strip()
        assert language.smoke.expected == "46\n", language.id


def test_toolchains_placeholder_is_expanded_everywhere() -> None:
    kotlin = load_languages(toolchains=Path("/opt/tc"))["kotlin"]
    assert "/opt/tc/kotlin" in kotlin.read_only
    assert kotlin.install.prepare[0].creates == "/opt/tc/kotlin/kotlinc.jsa"
    assert load_languages()["kotlin"].read_only[-1] == str(judge_dir().toolchains / "kotlin")


def test_install_sources_are_pinned() -> None:
    for language in load_languages().values():
        assert all("@" in name.lstrip("@") for name in language.install.npm)
        assert all(len(c.split(":")) == 3 for c in language.install.maven)
        assert language.install.apt, f"{language.id}: every toolchain needs Debian packages"


def test_a_minimal_interpreted_language_parses() -> None:
    language = parse_language(MINIMAL, where="demo.toml")
    assert language.compile is None and not language.compiled
    assert language.limits == LimitOverrides()
    assert language.install.apt == ()


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('id = "demo"', 'id = "Demo!"'), "id must be"),
        (('main.demo"\nversion', '../main.demo"\nversion'), "plain file name"),
        (('run = ["/usr/bin/demo", "main.demo"]', "run = []"), "run must be"),
        (('run = ["/usr/bin/demo", "main.demo"]', 'run = ["{source}"]'), "placeholder"),
        (("[smoke]", 'read_only = ["/usr/lib/demo"]\n[smoke]'), "under /usr, which the sandbox"),
        (("[smoke]", 'read_only = ["/"]\n[smoke]'), "would cover /usr"),
        (("[smoke]", 'read_only = ["/tmp"]\n[smoke]'), "would cover /tmp"),
        (("[smoke]", 'read_only = ["/etc"]\n[smoke]'), "would cover /etc/alternatives"),
        (("[smoke]", 'read_only = ["/box/lib"]\n[smoke]'), "under /box"),
        (("[smoke]", 'read_only = ["/proc/self"]\n[smoke]'), "under /proc"),
        (("[smoke]", 'read_only = ["/lib/demo"]\n[smoke]'), "under /lib"),
        (("[smoke]", 'read_only = ["relative"]\n[smoke]'), "absolute"),
        (("[smoke]", "[limits]\nmemory = 1\n[smoke]"), "may only set"),
        (("[smoke]", "[limits]\nmemory_kb = 0\n[smoke]"), "positive integer"),
        (("[smoke]", '[install]\nmaven = ["a:b"]\n[smoke]'), "group:artifact:version"),
        (("[smoke]", '[install]\nnpm = ["typescript"]\n[smoke]'), "name@version"),
        (("[smoke]", "colour = 1\n[smoke]"), "unknown keys"),
        (('stdin = ""', ""), "[smoke] needs"),
    ],
)
def test_a_broken_language_file_is_refused_with_a_reason(
    change: tuple[str, str], complaint: str
) -> None:
    old, new = change
    assert old in MINIMAL
    with pytest.raises(LanguageTableError, match=re.escape(complaint)):
        parse_language(MINIMAL.replace(old, new, 1), where="demo.toml")


def test_toolchains_under_tmp_are_allowed(tmp_path: Path) -> None:
    # A judge folder under /tmp (ONELOG_JUDGE_DIR=/tmp/judge): the sandbox binds
    # it on top of its private /tmp, so the table must not refuse it.
    toolchains = Path("/tmp/judge/toolchains")
    table = load_languages(toolchains=toolchains)
    assert str(toolchains / "cpp") in table["cpp"].read_only
    assert str(toolchains / "kotlin") in table["kotlin"].read_only


def test_a_file_named_unlike_its_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text(MINIMAL)
    with pytest.raises(LanguageTableError, match="differs from the file name"):
        load_languages(tmp_path)


def test_the_cache_key_covers_language_flags_and_every_file() -> None:
    base = cache_key("cpp", ("g++", "main.cpp"), {"main.cpp": "int main(){}"})
    assert base == cache_key("cpp", ("g++", "main.cpp"), {"main.cpp": "int main(){}"})
    assert base != cache_key("c", ("g++", "main.cpp"), {"main.cpp": "int main(){}"})
    assert base != cache_key("cpp", ("g++", "-O2", "main.cpp"), {"main.cpp": "int main(){}"})
    assert base != cache_key("cpp", ("g++", "main.cpp"), {"main.cpp": "int main(){ }"})
    assert base != cache_key(
        "cpp", ("g++", "main.cpp"), {"main.cpp": "int main(){}", "harness.cpp": ""}
    )
    # Length-prefixed parts: moving a boundary changes the key.
    assert cache_key("a", ("bc",), {}) != cache_key("ab", ("c",), {})
