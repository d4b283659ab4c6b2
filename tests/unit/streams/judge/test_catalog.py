"""The problem catalog: every problem in streams/judge/problems/ is complete and publishable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.envelope import Envelope
from schemas.judge import ProblemPublished
from streams.judge.catalog import (
    PROBLEMS_ROOT,
    ProblemDraft,
    load_catalog,
    reference_solutions,
    to_record_fields,
)
from streams.judge.harness import HARNESS_ROOT, harnesses
from streams.judge.languages import languages

CATALOG = load_catalog()
IDS = [draft.problem_id for draft in CATALOG]
# Every language with a harness offers a starter and a reference solution.
FUNCTION_LANGUAGES = set(harnesses())


def published(draft: ProblemDraft) -> ProblemPublished:
    """The record the catalog's seeding publishes for `draft`."""
    envelope = Envelope(
        event_id="01J0000000000000000000000",
        type=ProblemPublished.schema_name,
        schema_version=1,
        occurred_at=0,
        recorded_at=0,
        producer="catalog",
        key=draft.problem_id,
        correlation_id="seed",
    )
    return ProblemPublished(envelope=envelope, **to_record_fields(draft))


@pytest.fixture(params=CATALOG, ids=IDS)
def draft(request: pytest.FixtureRequest) -> ProblemDraft:
    result: ProblemDraft = request.param
    return result


def test_the_catalog_is_large_and_mixed() -> None:
    kinds = [draft.kind for draft in CATALOG]
    assert len(CATALOG) >= 20
    assert kinds.count("function") >= 8
    assert kinds.count("stdio") >= 8
    assert {draft.checker.kind for draft in CATALOG} == {"exact", "whitespace", "float", "custom"}
    assert {draft.difficulty for draft in CATALOG} == {"easy", "medium", "hard"}
    assert len(set(IDS)) == len(IDS)


def test_a_problem_is_complete(draft: ProblemDraft) -> None:
    assert draft.title and draft.category
    assert draft.statement.startswith(f"# {draft.title}\n")
    assert len(draft.samples) >= 2
    assert len(draft.hidden) >= 5
    assert 100 <= draft.time_limit_ms <= 10_000
    assert 16 * 1024 <= draft.memory_limit_kb <= 1024 * 1024
    names = [test.name for test in draft.samples + draft.hidden]
    assert len(set(names)) == len(names)


def test_test_data_stays_small(draft: ProblemDraft) -> None:
    size = sum(len(t.input) + len(t.expected) for t in draft.samples + draft.hidden)
    assert size < 200 * 1024
    # The sandbox keeps 64 KB of output by default; an expected output must fit.
    assert all(len(t.expected) < 60 * 1024 for t in draft.samples + draft.hidden)


def test_the_checker_is_whole(draft: ProblemDraft) -> None:
    checker = draft.checker
    if checker.kind == "float":
        assert checker.float_digits is not None and 1 <= checker.float_digits <= 12
    elif checker.kind == "custom":
        assert checker.language == "python"
        assert checker.source and "sys.argv" in checker.source
    else:
        assert checker.float_digits is None and checker.source is None


def test_every_offered_language_has_a_starter_and_the_reference_languages_are_covered(
    draft: ProblemDraft,
) -> None:
    starters = [starter.language for starter in draft.starter]
    solutions = reference_solutions(draft.problem_id)
    assert len(set(starters)) == len(starters)
    assert all(starter.source.strip() for starter in draft.starter)
    assert "python" in solutions
    if draft.kind == "function":
        assert set(starters) == FUNCTION_LANGUAGES
        assert set(solutions) >= FUNCTION_LANGUAGES
    else:
        assert {"python", "cpp", "java", "javascript"} <= set(starters)
        assert "cpp" in solutions
    assert set(solutions) <= set(starters)


def test_function_problems_have_a_signature_and_json_tests(draft: ProblemDraft) -> None:
    if draft.kind == "stdio":
        assert draft.function is None
        return
    assert draft.function is not None
    assert draft.function.name.isidentifier() and draft.function.params
    assert set(starter.language for starter in draft.starter) <= set(harnesses())
    for test in draft.samples + draft.hidden:
        arguments = json.loads(test.input)
        assert isinstance(arguments, list) and len(arguments) == len(draft.function.params)
        json.loads(test.expected)
        # Expected results are written as the harnesses print them: compact, one line.
        assert test.expected == json.dumps(json.loads(test.expected), separators=(",", ":")) + "\n"


def test_a_draft_becomes_a_published_record(draft: ProblemDraft) -> None:
    record = published(draft)
    assert record.revision == 1
    assert record.problem_id == draft.problem_id
    assert len(record.samples) == len(draft.samples)
    json.dumps(to_record_fields(draft))  # plain JSON values, no models


def test_the_harness_table_covers_the_function_languages() -> None:
    table = harnesses()
    assert set(table) >= FUNCTION_LANGUAGES
    for language, harness in table.items():
        assert harness.language == language
        assert harness.files and all(harness.files.values())
        assert "{function}" in harness.run_with
        assert "twoSum" in harness.run_argv(languages()[language], "twoSum")


def test_the_python_harness_runs_the_reference_solution(tmp_path: Path) -> None:
    # One real run, to hold the harness and the expected-output format together.
    draft = next(d for d in CATALOG if d.problem_id == "two-sum")
    assert draft.function is not None
    (tmp_path / "main.py").write_text(reference_solutions("two-sum")["python"])
    harness = harnesses()["python"]
    for name, content in harness.files.items():
        (tmp_path / name).write_text(content)
    argv = [sys.executable, *harness.run_argv(languages()["python"], draft.function.name)[1:]]
    sample = draft.samples[0]
    result = subprocess.run(
        argv, cwd=tmp_path, input=sample.input.encode(), capture_output=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == sample.expected


def test_the_roots_point_at_the_data() -> None:
    assert PROBLEMS_ROOT.is_dir() and (HARNESS_ROOT / "python.toml").is_file()
