"""The language table: one TOML file per language in `languages/`, loaded into `Language`s.

A language is data, as in Piston: how to compile (or nothing), how to run, the
file the learner's source goes in, the host paths its toolchain needs bound
read-only, the limits it needs, the argv that prints its version, how its
toolchain is installed (`onelog/toolchains.py`) and a smoke test. The runner
holds no per-language code; adding a language is adding a file.

`{toolchains}` in any argv or path stands for the folder that
`onelog/toolchains.py` installs registry-fetched toolchains into (`toolchains/`
in the judge's folder, `judge_dir.py`, never in the checkout: the sandbox's
uids could not reach it there). Toolchains are bound into the sandbox at their
host paths, so the same argv works outside the sandbox (installing) and inside
(judging).

Pure: reads the table's files and, for the default `{toolchains}`, the settings.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from streams.judge.bubblewrap import read_only_conflict
from streams.judge.judge_dir import judge_dir
from streams.judge.limits import LimitOverrides

LANGUAGES_ROOT = Path(__file__).resolve().parent / "languages"
TOOLCHAINS_PLACEHOLDER = "{toolchains}"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# A plain file name in /box: no directories, no leading dot, no shell-special characters.
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_TOP_KEYS = {
    "id", "name", "source_file", "version", "compile", "run", "read_only",
    "limits", "compile_limits", "install", "smoke", "hostile",
}  # fmt: skip
_INSTALL_KEYS = {"apt", "npm", "maven", "prepare"}
_SMOKE_KEYS = {"source", "stdin", "expected"}
# The sandbox's essentials, each a program in the language that tries it:
# fork without end, allocate without end, loop without end, connect out.
HOSTILE_KINDS = ("fork", "memory", "time", "network")


class LanguageTableError(ValueError):
    """A language file that does not describe a usable language."""


@dataclass(frozen=True)
class Prepare:
    """A command the installer runs once on the host after fetching (e.g. a CDS archive).

    Runs in a scratch folder holding the smoke source; skipped while `creates` exists.
    """

    argv: tuple[str, ...]
    creates: str


@dataclass(frozen=True)
class Install:
    """Where the toolchain comes from: Debian packages, npm packages, Maven coordinates."""

    apt: tuple[str, ...] = ()
    npm: tuple[str, ...] = ()  # "name@version", installed into {toolchains}/<id>/
    maven: tuple[str, ...] = ()  # "group:artifact:version", jars into {toolchains}/<id>/lib/
    prepare: tuple[Prepare, ...] = ()


@dataclass(frozen=True)
class Smoke:
    """A program that reads numbers from stdin and prints their sum: proof the toolchain works."""

    source: str
    stdin: str
    expected: str


@dataclass(frozen=True)
class Language:
    id: str  # "python", "cpp", ...
    name: str  # "Python 3.11"
    source_file: str  # "main.py", "Main.java"
    compile: tuple[str, ...] | None  # argv run in /box, None for interpreted
    run: tuple[str, ...]  # argv run in /box
    version: tuple[str, ...]  # argv that prints the version
    read_only: tuple[str, ...]  # host paths the toolchain needs (besides /usr, /etc/alternatives)
    limits: LimitOverrides  # run limits this language sets (trusted layer)
    compile_limits: LimitOverrides  # compile limits, over toolchain.COMPILE_LIMITS
    install: Install
    smoke: Smoke
    # kind (HOSTILE_KINDS) -> a program trying it; the sandbox must hold each
    # (tests/integration/judge). A kind the language cannot express is absent.
    hostile: dict[str, str] = field(default_factory=dict)

    @property
    def compiled(self) -> bool:
        return self.compile is not None


def _expand(value: str, toolchains: Path) -> str:
    return value.replace(TOOLCHAINS_PLACEHOLDER, str(toolchains))


def _argv(data: dict[str, Any], key: str, where: str, toolchains: Path) -> tuple[str, ...]:
    value = data.get(key)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(arg, str) and arg for arg in value)
    ):
        raise LanguageTableError(f"{where}: {key} must be a non-empty list of non-empty strings")
    if "{" in "".join(value).replace(TOOLCHAINS_PLACEHOLDER, ""):
        raise LanguageTableError(f"{where}: {key} has a placeholder other than {{toolchains}}")
    return tuple(_expand(arg, toolchains) for arg in value)


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LanguageTableError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(value)


def _overrides(data: dict[str, Any], key: str, where: str) -> LimitOverrides:
    table = data.get(key, {})
    known = {f.name for f in fields(LimitOverrides)}
    if not isinstance(table, dict) or not set(table) <= known:
        raise LanguageTableError(f"{where}: [{key}] may only set {sorted(known)}")
    try:
        return LimitOverrides(**table)
    except ValueError as error:
        raise LanguageTableError(f"{where}: [{key}] {error}") from None


def _unknown_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    if unknown := set(data) - allowed:
        raise LanguageTableError(f"{where}: unknown keys {sorted(unknown)}")


def _install(data: dict[str, Any], where: str, toolchains: Path) -> Install:
    table = data.get("install", {})
    _unknown_keys(table, _INSTALL_KEYS, f"{where} [install]")
    maven = _strings(table, "maven", where)
    if any(len(coordinate.split(":")) != 3 for coordinate in maven):
        raise LanguageTableError(f"{where}: maven coordinates are group:artifact:version")
    npm = _strings(table, "npm", where)
    if any("@" not in name.lstrip("@") for name in npm):
        raise LanguageTableError(f"{where}: npm packages are pinned as name@version")
    prepare = tuple(
        Prepare(
            argv=_argv(step, "argv", f"{where} [[install.prepare]]", toolchains),
            creates=_expand(step.get("creates", ""), toolchains),
        )
        for step in table.get("prepare", [])
    )
    if any(not Path(step.creates).is_absolute() for step in prepare):
        raise LanguageTableError(f"{where}: every prepare step names the absolute path it creates")
    return Install(apt=_strings(table, "apt", where), npm=npm, maven=maven, prepare=prepare)


def parse_language(text: str, *, where: str, toolchains: Path | None = None) -> Language:
    """One language file's text as a `Language`; raises LanguageTableError naming what is wrong.

    `toolchains` is what `{toolchains}` stands for; by default the judge folder's.
    """
    if toolchains is None:
        toolchains = judge_dir().toolchains
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LanguageTableError(f"{where}: {error}") from None
    _unknown_keys(data, _TOP_KEYS, where)
    language_id = data.get("id")
    if not isinstance(language_id, str) or not _ID.match(language_id):
        raise LanguageTableError(f"{where}: id must be lower-case letters, digits and _")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise LanguageTableError(f"{where}: name must be a non-empty string")
    source_file = data.get("source_file")
    if not isinstance(source_file, str) or not _FILE_NAME.match(source_file):
        raise LanguageTableError(f"{where}: source_file must be a plain file name")
    read_only = tuple(_expand(p, toolchains) for p in _strings(data, "read_only", where))
    for path in map(Path, read_only):
        if not path.is_absolute() or ".." in path.parts:
            raise LanguageTableError(f"{where}: read_only path {path} must be absolute")
        if conflict := read_only_conflict(path):
            raise LanguageTableError(f"{where}: read_only path {path} {conflict}")
    smoke = data.get("smoke", {})
    _unknown_keys(smoke, _SMOKE_KEYS, f"{where} [smoke]")
    if not all(isinstance(smoke.get(key), str) for key in _SMOKE_KEYS):
        raise LanguageTableError(f"{where}: [smoke] needs source, stdin and expected")
    hostile = data.get("hostile", {})
    _unknown_keys(hostile, set(HOSTILE_KINDS), f"{where} [hostile]")
    if not all(isinstance(v, str) and v.strip() for v in hostile.values()):
        raise LanguageTableError(f"{where}: [hostile] values are programs (non-empty strings)")
    return Language(
        id=language_id,
        name=name,
        source_file=source_file,
        compile=_argv(data, "compile", where, toolchains) if "compile" in data else None,
        run=_argv(data, "run", where, toolchains),
        version=_argv(data, "version", where, toolchains),
        read_only=read_only,
        limits=_overrides(data, "limits", where),
        compile_limits=_overrides(data, "compile_limits", where),
        install=_install(data, where, toolchains),
        smoke=Smoke(**smoke),
        hostile=dict(hostile),
    )


def load_languages(
    root: Path = LANGUAGES_ROOT, *, toolchains: Path | None = None
) -> dict[str, Language]:
    """Every `<id>.toml` under `root`, by id; a file's name must be its id."""
    table: dict[str, Language] = {}
    for path in sorted(root.glob("*.toml")):
        language = parse_language(
            path.read_text(encoding="utf-8"), where=path.name, toolchains=toolchains
        )
        if language.id != path.stem:
            raise LanguageTableError(f"{path.name}: id {language.id!r} differs from the file name")
        table[language.id] = language
    return table


@cache
def languages() -> dict[str, Language]:
    """The judge's language table, read once per process. Callers must not mutate it."""
    return load_languages()
