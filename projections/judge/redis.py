"""The judge's live read models: each record becomes Redis writes (pure).

Three topics feed them, and only records of one partition of one topic come
in a fixed order, so every key is written in a way that gives the same
result whichever topic the projector (or a replay worker) reads first:

- a problem is written from judge.problems alone, guarded by its revision
  (an older revision read late changes nothing);
- a submission's status only moves forward by rank (queued < judged, see
  `hset_ranked`), its other fields are set by one record type each;
- a learner's progress hash is written from judge.events alone (verdicts and
  hand marks, one partition per user: log order), while what the commands
  add (attempts) are set members, which commute. The reader combines them
  (projections/judge/read.py `progress_status`).

Live "running test k of n" is not a fact and is not written here: the
live-progress writer the judge agent is handed writes it (live_progress.py,
keys.live_update); the verdict supersedes it.

The writes vocabulary: projections/redis_sink.py. Keys: keys.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.json_text import compact_json
from projections.judge import keys
from projections.redis_sink import Write
from schemas import judge as jd
from schemas.envelope import Record

QUEUED, JUDGED = 1, 2

Value = dict[str, Any]
Handler = Callable[[Value, bool], list[Write]]


def redis_writes(record: Record) -> list[Write]:
    """The writes one judge record makes; [] for records with no live model."""
    return writes_of(type(record), record.model_dump())


def writes_of(model: type[Record], value: Value, announce: bool = True) -> list[Write]:
    """The writes of a decoded record of type `model`. `announce=False` leaves
    out the pub/sub messages (a rebuild has no one listening)."""
    handler = _HANDLERS.get(model)
    return handler(value, announce) if handler else []


def _json(value: Any) -> str:
    return compact_json(value, sort_keys=True)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _hset(key: str, fields: dict[str, Any]) -> Write:
    write = ["hset", key]
    for name, value in fields.items():
        if value is not None:
            write += [name, str(value)]
    return write


def _ranked(key: str, rank: int, fields: dict[str, Any]) -> Write:
    write = ["hset_ranked", key, str(rank)]
    for name, value in fields.items():
        write += [name, "" if value is None else str(value)]
    return write


def public_checker(checker: Value) -> dict[str, Any]:
    """What a learner may know of the checker: its kind and float precision
    (a custom checker's program stays with the judge)."""
    return {"kind": checker["kind"], "float_digits": checker.get("float_digits")}


def problem_summary(v: Value) -> dict[str, Any]:
    """A problem as the list shows it."""
    return {
        "problem_id": v["problem_id"],
        "revision": v["revision"],
        "title": v["title"],
        "difficulty": v["difficulty"],
        "category": v["category"],
        "kind": v["kind"],
    }


def _problem_published(v: Value, _announce: bool) -> list[Write]:
    problem_id = v["problem_id"]
    key = keys.problem(problem_id)
    # Every field is written each revision (function as "null" when absent):
    # a revision replaces the previous one whole.
    details = {
        "problem_id": problem_id,
        "title": v["title"],
        "statement": v["statement"],
        "difficulty": v["difficulty"],
        "category": v["category"],
        "kind": v["kind"],
        "time_limit_ms": v["time_limit_ms"],
        "memory_limit_kb": v["memory_limit_kb"],
        "checker": _json(public_checker(v["checker"])),
        "samples": _json(v["samples"]),
        "starter": _json(v["starter"]),
        "function": _json(v.get("function")),
        "hints": _json(v.get("hints", [])),
        "hidden_count": len(v["hidden"]),
        "published_at": v["envelope"]["occurred_at"],
    }
    return [
        ["guard_seq", key, "revision", str(v["revision"])],
        _hset(key, details),
        ["hset", keys.PROBLEMS, problem_id, _json(problem_summary(v))],
    ]


def _command(v: Value, mode: str, extra: dict[str, Any]) -> list[Write]:
    submission_id = v["submission_id"]
    key = keys.submission(submission_id)
    identity = {
        "submission_id": submission_id,
        "user_id": v["user_id"],
        "problem_id": v["problem_id"],
        "problem_revision": v["problem_revision"],
        "language": v["language"],
        "mode": mode,
        "submitted_at": v["envelope"]["occurred_at"],
        "source_bytes": len(v["source"].encode()),
        **extra,
    }
    return [_hset(key, identity), _ranked(key, QUEUED, {"status": "queued"})]


def _run_code(v: Value, _announce: bool) -> list[Write]:
    return _command(v, "run", {"stdin_bytes": len(v["stdin"].encode())})


def _submit_solution(v: Value, _announce: bool) -> list[Write]:
    user_id, problem_id = v["user_id"], v["problem_id"]
    return [
        *_command(v, "submit", {}),
        ["sadd", keys.attempts(user_id, problem_id), v["submission_id"]],
        ["sadd", keys.user_problems(user_id), problem_id],
    ]


def _submission_compiled(v: Value, _announce: bool) -> list[Write]:
    fields = {
        "submission_id": v["submission_id"],
        "user_id": v["user_id"],
        "compile_ok": _flag(v["ok"]),
        "compile_cached": _flag(v["cached"]),
        "compile_time_ms": v["compile_time_ms"],
        "compile_message": v["message"],
    }
    return [_hset(keys.submission(v["submission_id"]), fields)]


def judged_test_json(v: Value) -> dict[str, Any]:
    """One test's result as the read model keeps it (hidden tests show no output)."""
    return {
        "index": v["index"],
        "name": v["test_name"],
        "hidden": v["hidden"],
        "outcome": v["outcome"],
        "time_ms": v["time_ms"],
        "memory_kb": v["memory_kb"],
        "exit_code": v.get("exit_code"),
        "signal": v.get("signal"),
        "output_excerpt": "" if v["hidden"] else v["output_excerpt"],
    }


def _test_judged(v: Value, _announce: bool) -> list[Write]:
    test = _json(judged_test_json(v))
    return [["hset", keys.submission_tests(v["submission_id"]), str(v["index"]), test]]


def verdict_message(v: Value) -> dict[str, Any]:
    """What the updates channel says when a verdict lands: seq total + 1 comes
    after every "running test k of total" message."""
    return {
        "submission_id": v["submission_id"],
        "seq": v["total"] + 1,
        "state": "judged",
        "verdict": v["verdict"],
        "passed": v["passed"],
        "total": v["total"],
        "time_ms": v["time_ms"],
        "memory_kb": v["memory_kb"],
    }


def _submission_judged(v: Value, announce: bool) -> list[Write]:
    submission_id, user_id, problem_id = v["submission_id"], v["user_id"], v["problem_id"]
    key = keys.submission(submission_id)
    identity = {
        "submission_id": submission_id,
        "user_id": user_id,
        "problem_id": problem_id,
        "problem_revision": v["problem_revision"],
        "language": v["language"],
        "mode": v["mode"],
    }
    verdict = {
        "status": "judged",
        "verdict": v["verdict"],
        "passed": v["passed"],
        "total": v["total"],
        "time_ms": v["time_ms"],
        "memory_kb": v["memory_kb"],
        "exit_code": v.get("exit_code"),
        "signal": v.get("signal"),
        "message": v["message"],
        "stdout": v.get("stdout", ""),
        "stderr": v.get("stderr", ""),
        "judged_at": v["envelope"]["occurred_at"],
    }
    writes = [_hset(key, identity), _ranked(key, JUDGED, verdict)]
    if v["mode"] == "submit":
        writes += _progress_of_verdict(v)
    if announce:
        writes.append(["publish", keys.updates(submission_id), _json(verdict_message(v))])
    return writes


def _progress_of_verdict(v: Value) -> list[Write]:
    submission_id, user_id, problem_id = v["submission_id"], v["user_id"], v["problem_id"]
    progress = {
        "judged_since_mark": 1,
        "last_submission_id": submission_id,
        "last_verdict": v["verdict"],
        "last_judged_at": v["envelope"]["occurred_at"],
    }
    writes = [
        ["sadd", keys.attempts(user_id, problem_id), submission_id],
        ["sadd", keys.verdicts(user_id, problem_id), submission_id],
        ["sadd", keys.user_problems(user_id), problem_id],
        _hset(keys.progress(user_id, problem_id), progress),
    ]
    if v["verdict"] == "accepted":
        best = {
            "submission_id": submission_id,
            "time_ms": v["time_ms"],
            "memory_kb": v["memory_kb"],
            "language": v["language"],
        }
        writes += [
            ["hset", keys.progress(user_id, problem_id), "accepted_since_mark", "1"],
            _ranked(keys.best(user_id, problem_id), keys.BEST_RANK_BASE - v["time_ms"], best),
        ]
    return writes


def _progress_marked(v: Value, _announce: bool) -> list[Write]:
    user_id, problem_id = v["user_id"], v["problem_id"]
    key = keys.progress(user_id, problem_id)
    return [
        ["hset", key, "marked", v["status"], "marked_at", str(v["envelope"]["occurred_at"])],
        ["hdel", key, "judged_since_mark", "accepted_since_mark"],
        ["sadd", keys.user_problems(user_id), problem_id],
    ]


_HANDLERS: dict[type[Record], Handler] = {
    jd.ProblemPublished: _problem_published,
    jd.RunCode: _run_code,
    jd.SubmitSolution: _submit_solution,
    jd.SubmissionCompiled: _submission_compiled,
    jd.TestJudged: _test_judged,
    jd.SubmissionJudged: _submission_judged,
    jd.ProgressMarked: _progress_marked,
}
