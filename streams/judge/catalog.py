"""The problem catalog: streams/judge/problems/<slug>/ read into drafts of ProblemPublished.

A problem folder holds problem.toml (metadata, limits, progressive hints,
checker, function signature), statement.md, tests/ (sample-N.in/.out shown to the learner,
hidden-N.in/.out never shown), starter/ and solutions/ (one file per language,
named as the language's source file) and, for a custom checker, its source.
Reading is pure: files in, values out; nothing is published here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemas.judge import (
    Checker,
    CheckerKind,
    Difficulty,
    FunctionSignature,
    ProblemKind,
    StarterCode,
    TestCase,
)

PROBLEMS_ROOT = Path(__file__).resolve().parent / "problems"

# Source file name -> language id; the order is the order starters are listed in.
SOURCE_FILES: dict[str, str] = {
    "main.py": "python",
    "main.js": "javascript",
    "main.ts": "typescript",
    "Main.java": "java",
    "main.cpp": "cpp",
    "main.c": "c",
    "main.go": "go",
    "main.rs": "rust",
    "main.rb": "ruby",
    "Main.cs": "csharp",
    "Main.kt": "kotlin",
    "main.swift": "swift",
}
_LANGUAGE_ORDER = {language: index for index, language in enumerate(SOURCE_FILES.values())}
_TEST_FILE = re.compile(r"^(sample|hidden)-(\d+)\.in$")


@dataclass(frozen=True)
class ProblemDraft:
    """Everything a ProblemPublished carries except the envelope and the revision."""

    problem_id: str
    title: str
    statement: str
    difficulty: Difficulty
    category: str
    kind: ProblemKind
    time_limit_ms: int
    memory_limit_kb: int
    checker: Checker
    samples: tuple[TestCase, ...]
    hidden: tuple[TestCase, ...]
    starter: tuple[StarterCode, ...]
    function: FunctionSignature | None
    hints: tuple[str, ...] = ()  # progressive, the gentlest first


def load_catalog(root: Path = PROBLEMS_ROOT) -> list[ProblemDraft]:
    """Every problem under `root`, sorted by problem id."""
    return [load_problem(folder) for folder in sorted(root.iterdir()) if _is_problem(folder)]


def load_problem(folder: Path) -> ProblemDraft:
    meta = tomllib.loads((folder / "problem.toml").read_text(encoding="utf-8"))
    function = meta.get("function")
    return ProblemDraft(
        problem_id=folder.name,
        title=meta["title"],
        statement=(folder / "statement.md").read_text(encoding="utf-8"),
        difficulty=meta["difficulty"],
        category=meta["category"],
        kind=meta["kind"],
        time_limit_ms=int(meta["time_limit_ms"]),
        memory_limit_kb=int(meta["memory_limit_kb"]),
        checker=_checker(folder, meta["checker"]),
        samples=_tests(folder / "tests", "sample"),
        hidden=_tests(folder / "tests", "hidden"),
        starter=tuple(
            StarterCode(language=language, source=source)
            for language, source in _sources(folder / "starter").items()
        ),
        function=FunctionSignature(**function) if function else None,
        hints=tuple(meta.get("hints", ())),
    )


def to_record_fields(draft: ProblemDraft, revision: int = 1) -> dict[str, Any]:
    """The payload of a ProblemPublished (no envelope), as JSON-ready values.

    `ProblemPublished(envelope=..., **to_record_fields(draft))` is the record.
    """
    return {
        "problem_id": draft.problem_id,
        "revision": revision,
        "title": draft.title,
        "statement": draft.statement,
        "difficulty": draft.difficulty,
        "category": draft.category,
        "kind": draft.kind,
        "time_limit_ms": draft.time_limit_ms,
        "memory_limit_kb": draft.memory_limit_kb,
        "checker": draft.checker.model_dump(),
        "samples": [test.model_dump() for test in draft.samples],
        "hidden": [test.model_dump() for test in draft.hidden],
        "starter": [starter.model_dump() for starter in draft.starter],
        "function": draft.function.model_dump() if draft.function else None,
        "hints": list(draft.hints),
    }


def reference_solutions(problem_id: str, root: Path = PROBLEMS_ROOT) -> dict[str, str]:
    """The team's reference solution per language id: source text, meant to be Accepted."""
    return _sources(root / problem_id / "solutions")


def _is_problem(folder: Path) -> bool:
    return folder.is_dir() and (folder / "problem.toml").is_file()


def _checker(folder: Path, meta: dict[str, Any]) -> Checker:
    kind: CheckerKind = meta["kind"]
    if kind == "custom":
        # The toml names the checker's file; the record carries its source.
        source = (folder / meta["source"]).read_text(encoding="utf-8")
        return Checker(kind=kind, language=meta["language"], source=source)
    return Checker(kind=kind, float_digits=meta.get("float_digits"))


def _tests(folder: Path, prefix: str) -> tuple[TestCase, ...]:
    found: list[tuple[int, Path]] = []
    for path in folder.iterdir():
        match = _TEST_FILE.match(path.name)
        if match and match.group(1) == prefix:
            found.append((int(match.group(2)), path))
    return tuple(
        TestCase(
            name=f"{prefix}-{number}",
            input=path.read_text(encoding="utf-8"),
            expected=path.with_suffix(".out").read_text(encoding="utf-8"),
        )
        for number, path in sorted(found)
    )


def _sources(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    found = {
        SOURCE_FILES[path.name]: path.read_text(encoding="utf-8")
        for path in folder.iterdir()
        if path.name in SOURCE_FILES
    }
    return dict(sorted(found.items(), key=lambda item: _LANGUAGE_ORDER[item[0]]))
