"""The judge's commands as the gateway accepts them, in the shared table
shape (gateway/command.py `Command`): request model, path
parameters, wire record, topic, scope, payload.

Learners write with judge:write; authors publish problems with judge:admin;
reads need judge:read. The gateway assigns each run and submission its
submission_id (a ULID, like an order id); the problem revision is resolved
per request (gateway/judge/writes.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.command import Command
from gateway.judge import requests as rq
from gateway.judge.own_tests import own_test_cases
from schemas import judge as jd
from schemas.judge.topics import JUDGE_COMMANDS, JUDGE_PROBLEMS

READ = "judge:read"
WRITE = "judge:write"
ADMIN = "judge:admin"


def _submit(req: rq.SubmitRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "submission_id": ids["submission_id"],
        "user_id": req.user_id,
        "problem_id": req.problem_id,
        "language": req.language,
        "source": req.source,
    }


def _run(req: rq.RunRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {**_submit(req, path, ids), "stdin": req.stdin, "tests": own_test_cases(req.tests)}


def _mark(
    req: rq.MarkProgressRequest, path: rq.ProgressPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"user_id": path.user_id, "problem_id": path.problem_id, "status": req.status}


def _publish(req: rq.PublishProblemRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return req.model_dump(exclude={"occurred_at", "revision"})


RUN = Command(
    "judge_run",
    "POST",
    "/runs",
    "Run a source on custom input, or on tests of your own with expected output (no progress)",
    rq.RunRequest,
    None,
    jd.RunCode,
    JUDGE_COMMANDS,
    WRITE,
    _run,
    assigns=("submission_id",),
)
SUBMIT = Command(
    "judge_submit",
    "POST",
    "/submissions",
    "Submit a solution: judged against every test of the problem",
    rq.SubmitRequest,
    None,
    jd.SubmitSolution,
    JUDGE_COMMANDS,
    WRITE,
    _submit,
    assigns=("submission_id",),
)
MARK = Command(
    "judge_mark_progress",
    "POST",
    "/users/{user_id}/progress/{problem_id}",
    "Mark a problem's progress by hand",
    rq.MarkProgressRequest,
    rq.ProgressPath,
    jd.MarkProgress,
    JUDGE_COMMANDS,
    WRITE,
    _mark,
)
PUBLISH = Command(
    "judge_publish_problem",
    "POST",
    "/problems",
    "Publish a problem (a new revision replaces the previous one whole)",
    rq.PublishProblemRequest,
    None,
    jd.ProblemPublished,
    JUDGE_PROBLEMS,
    ADMIN,
    _publish,
)
COMMANDS: tuple[Command, ...] = (RUN, SUBMIT, MARK, PUBLISH)  # fmt: skip
