"""The judge's request bodies: 422 naming the field at fault, 413 for sources
over the limit, and the routes documented in /openapi.json."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gateway.app import create_app
from gateway.command import Command
from gateway.judge import commands as judge_commands
from gateway.judge.requests import MAX_SOURCE_BYTES, check_sizes, language_ids
from gateway.problems import Problem
from gateway.writes import validate
from infra.settings import load_settings
from streams.judge.languages import languages

SUBMIT: dict[str, Any] = {
    "user_id": "ada",
    "problem_id": "two-sum",
    "language": "python",
    "source": "print(sum(map(int, input().split())))\n",
}
PROBLEM: dict[str, Any] = {
    "problem_id": "two-sum",
    "title": "Two Sum",
    "statement": "Add two numbers.",
    "difficulty": "easy",
    "category": "arrays",
    "kind": "stdio",
    "time_limit_ms": 2000,
    "memory_limit_kb": 262144,
    "checker": {"kind": "whitespace"},
    "samples": [{"name": "s1", "input": "1 2\n", "expected": "3\n"}],
    "hidden": [{"name": "h1", "input": "40 2\n", "expected": "42\n"}],
    "starter": [{"language": "python", "source": "# your code\n"}],
}


def problem_of(
    command: Command, body: dict[str, Any], path: dict[str, Any] | None = None
) -> Problem:
    with pytest.raises(Problem) as caught:
        validate(command, body, path or {}, path_in_body=False)
    assert caught.value.status == 422
    return caught.value


def fields(problem: Problem) -> set[str]:
    return {str(e["field"]) for e in problem.errors}


def test_the_known_languages_are_the_judges_table() -> None:
    assert language_ids() == tuple(sorted(languages()))
    assert {"python", "cpp", "java", "rust"} <= set(language_ids())


def test_a_valid_submission_and_run_pass() -> None:
    request, _ = validate(judge_commands.SUBMIT, SUBMIT, {}, path_in_body=False)
    assert request.language == "python"
    run, _ = validate(judge_commands.RUN, SUBMIT | {"stdin": "1 2\n"}, {}, path_in_body=False)
    assert run.stdin == "1 2\n"


def test_an_unknown_language_is_named() -> None:
    problem = problem_of(judge_commands.SUBMIT, SUBMIT | {"language": "intercal"})
    assert fields(problem) == {"language"}
    (error,) = problem.errors
    assert error["pointer"] == "#/language" and "intercal" in error["detail"]
    assert "python" in error["detail"]  # says which are known


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"problem_id": "Two Sum"}, "problem_id"),
        ({"user_id": ""}, "user_id"),
        ({"source": ""}, "source"),
        ({"source": "\ud800"}, "source"),
        ({"submission_id": "01J00000000000000000000000"}, "submission_id"),  # gateway's to assign
    ],
)
def test_bad_fields_are_named(change: dict[str, Any], field: str) -> None:
    assert fields(problem_of(judge_commands.SUBMIT, SUBMIT | change)) == {field}


def test_a_source_or_stdin_over_the_limit_is_413_naming_it() -> None:
    check_sizes(SUBMIT | {"source": "x" * MAX_SOURCE_BYTES})
    for name in ("source", "stdin"):
        with pytest.raises(Problem) as caught:
            check_sizes(SUBMIT | {name: "é" * (MAX_SOURCE_BYTES // 2 + 1)})  # bytes, not chars
        assert caught.value.status == 413
        assert caught.value.errors[0]["field"] == name


def test_progress_is_marked_with_a_known_status() -> None:
    mark = judge_commands.MARK
    path = {"user_id": "ada", "problem_id": "two-sum"}
    request, parsed = validate(mark, {"status": "completed"}, path, path_in_body=False)
    assert (request.status, parsed.problem_id) == ("completed", "two-sum")  # type: ignore[union-attr]
    assert fields(problem_of(mark, {"status": "done"}, path)) == {"status"}


def test_a_valid_problem_passes_and_its_payload_has_no_revision_yet() -> None:
    request, _ = validate(judge_commands.PUBLISH, PROBLEM, {}, path_in_body=False)
    payload = judge_commands.PUBLISH.payload(request, None, {})
    assert "revision" not in payload and payload["hidden"][0]["expected"] == "42\n"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "function"}, "function"),
        ({"function": {"name": "f", "params": ["a"]}}, "function"),
        ({"checker": {"kind": "float"}}, "checker"),
        ({"checker": {"kind": "custom", "language": "python"}}, "checker"),
        ({"starter": [{"language": "intercal", "source": ""}]}, "starter"),
        ({"starter": [{"language": "c", "source": ""}, {"language": "c", "source": ""}]},
         "starter"),
        ({"hidden": []}, "hidden"),
        ({"difficulty": "trivial"}, "difficulty"),
        ({"time_limit_ms": 0}, "time_limit_ms"),
    ],
)  # fmt: skip
def test_bad_problems_are_named(change: dict[str, Any], field: str) -> None:
    body = copy.deepcopy(PROBLEM) | change
    assert {f.split(".")[0] for f in fields(problem_of(judge_commands.PUBLISH, body))} == {field}


def test_the_judge_routes_are_documented_with_scopes(tmp_path: Path) -> None:
    app = create_app(replace(load_settings(), api_keys_file=tmp_path / "k.json"))
    paths = app.state.openapi["paths"]
    expected = {
        ("/v1/judge/problems", "get"): "judge:read",
        ("/v1/judge/problems", "post"): "judge:admin",
        ("/v1/judge/problems/{problem_id}", "get"): "judge:read",
        ("/v1/judge/runs", "post"): "judge:write",
        ("/v1/judge/submissions", "post"): "judge:write",
        ("/v1/judge/submissions/{submission_id}", "get"): "judge:read",
        ("/v1/judge/submissions/{submission_id}/stream", "get"): "judge:read",
        ("/v1/judge/users/{user_id}/progress", "get"): "judge:read",
        ("/v1/judge/users/{user_id}/progress/{problem_id}", "post"): "judge:write",
    }
    for (path, method), scope in expected.items():
        assert paths[path][method]["description"] == f"Requires scope: {scope}", (path, method)
    submit = paths["/v1/judge/submissions"]["post"]
    ref = submit["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = app.state.openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) >= {"user_id", "problem_id", "language", "source"}
    stream = paths["/v1/judge/submissions/{submission_id}/stream"]["get"]
    assert "text/event-stream" in stream["responses"]["200"]["content"]
    listing = {p["name"] for p in paths["/v1/judge/problems"]["get"]["parameters"]}
    assert listing == {"limit", "cursor", "difficulty", "category"}
