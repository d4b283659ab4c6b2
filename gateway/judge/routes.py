"""The judge's HTTP operations under /v1/judge: its commands, the reads of
problems, submissions and progress, and a submission's stream."""

from __future__ import annotations

from gateway.judge import PREFIX, batch, reads
from gateway.judge.batch_shape import BatchQuery, SubmitBatchRequest
from gateway.judge.commands import COMMANDS, READ, WRITE
from gateway.judge.language_list import languages_endpoint
from gateway.judge.requests import (
    HintQuery,
    ProblemQuery,
    ProblemsQuery,
    ProgressQuery,
    SubmissionQuery,
)
from gateway.judge.writes import judge_command_endpoint
from gateway.operation import Operation, command_operations
from gateway.responses import READ_RESPONSES, WRITE_RESPONSES


def operations() -> list[Operation]:
    return [
        *command_operations(PREFIX, COMMANDS, judge_command_endpoint),
        Operation("GET", PREFIX + "/languages", languages_endpoint,
                  "The languages the judge runs: id, name, installed version, source file, "
                  "compiled or not, function-style or not, default time and memory limits",
                  scope=READ, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/problems", reads.problems,
                  "Problems by id, a page at a time (next_cursor), by difficulty or category",
                  scope=READ, parameters=ProblemsQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/problems/{problem_id}", reads.problem,
                  "A problem's latest revision: statement, samples, starter code",
                  scope=READ, parameters=ProblemQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/problems/{problem_id}/stats", reads.problem_stats,
                  "A problem's acceptance rate and, per language, the runtime distribution "
                  "of accepted submissions (p50, p90, a histogram) and memory p50",
                  scope=READ, parameters=ProblemQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/problems/{problem_id}/hints/{n}", reads.hint,
                  "Hint n of a problem (1-based, gentlest first) and how many remain",
                  scope=READ, parameters=HintQuery, responses=READ_RESPONSES),
        # Before /submissions/{submission_id}, which would take "batch" for an id.
        Operation("POST", PREFIX + "/submissions/batch", batch.submit_batch,
                  "Submit up to 20 solutions at once (as Judge0's batch): each checked, "
                  "rate limited and written as POST /submissions would; per item its "
                  "submission_id or its problem, in order",
                  scope=WRITE, body=SubmitBatchRequest, responses=WRITE_RESPONSES),
        Operation("GET", PREFIX + "/submissions/batch", batch.read_batch,
                  "Up to 20 runs or submissions by id (ids=a,b,c), each as GET "
                  "/submissions/{submission_id} shows it; unknown or not yours: a 404 item",
                  scope=READ, parameters=BatchQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/submissions/{submission_id}", reads.submission,
                  "A run or submission: queued, running test k of n, or its verdict and tests",
                  scope=READ, parameters=SubmissionQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/submissions/{submission_id}/stream",
                  reads.submission_stream,
                  "A submission's progress (SSE): a snapshot, then each test, then the verdict",
                  scope=READ, parameters=SubmissionQuery, responses=READ_RESPONSES,
                  response_media_type="text/event-stream"),
        Operation("GET", PREFIX + "/users/{user_id}/progress", reads.progress,
                  "A learner's progress per problem: status, attempts, best runtime",
                  scope=READ, parameters=ProgressQuery, responses=READ_RESPONSES),
    ]  # fmt: skip
