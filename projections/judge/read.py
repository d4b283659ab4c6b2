"""The judge's live read models as the gateway reads them (Redis).

Each method reads in one MULTI/EXEC transaction, so it never sees half of a
projector batch. The merging rules are pure functions (`submission_view`,
`progress_status`), tested by themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from projections.judge import keys
from projections.namespaced_reads import NamespacedReads

VERDICT_LABELS = {
    "accepted": "Accepted",
    "wrong_answer": "Wrong Answer",
    "time_limit_exceeded": "Time Limit Exceeded",
    "memory_limit_exceeded": "Memory Limit Exceeded",
    "runtime_error": "Runtime Error",
    "compilation_error": "Compilation Error",
    "output_limit_exceeded": "Output Limit Exceeded",
    "internal_error": "Internal Error",
}
_STATUS_ORDER = ("not_started", "in_progress", "completed")
_SUBMISSION_INTS = ("problem_revision", "submitted_at", "judged_at", "source_bytes", "stdin_bytes")
_VERDICT_INTS = ("passed", "total", "time_ms", "memory_kb", "exit_code", "signal")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _hash(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _int_or_none(value: str | None) -> int | None:
    return None if value is None or value == "" else int(value)


@dataclass(frozen=True)
class ProblemPage:
    problems: list[dict[str, Any]]
    next_cursor: str | None


def progress_status(
    marked: str | None, judged_since_mark: bool, accepted_since_mark: bool, pending: bool
) -> str:
    """A learner's status on one problem.

    A hand mark sets it; verdicts after the mark only raise it (an accepted
    submission completes, any other keeps it at least in progress); a
    submission still waiting for its verdict keeps it at least in progress.
    """
    status = marked if marked in _STATUS_ORDER else "not_started"
    if accepted_since_mark:
        status = "completed"
    if judged_since_mark or pending:
        status = max(status, "in_progress", key=_STATUS_ORDER.index)
    return status


def submission_view(
    fields: Mapping[str, str], tests: Mapping[str, str], live: Mapping[str, str]
) -> dict[str, Any] | None:
    """A submission as the API shows it: the verdict if there is one, else
    the agent's live "running test k of n", else queued. None if nothing at
    all is known of it.

    `seq` orders the states: 0 queued, k running test k, total + 1 judged.
    """
    if not fields and not tests and not live:
        return None
    view: dict[str, Any] = {
        "submission_id": fields.get("submission_id"),
        "user_id": fields.get("user_id"),
        "problem_id": fields.get("problem_id"),
        "language": fields.get("language"),
        "mode": fields.get("mode"),
    }
    for name in _SUBMISSION_INTS:
        view[name] = _int_or_none(fields.get(name))
    view["compile"] = (
        {
            "ok": fields["compile_ok"] == "1",
            "cached": fields.get("compile_cached") == "1",
            "time_ms": _int_or_none(fields.get("compile_time_ms")),
            "message": fields.get("compile_message", ""),
        }
        if "compile_ok" in fields
        else None
    )
    view["tests"] = sorted((json.loads(t) for t in tests.values()), key=lambda t: t["index"])
    if fields.get("status") == "judged":
        verdict = fields.get("verdict", "")
        view |= {"status": "judged", "verdict": verdict, "label": VERDICT_LABELS.get(verdict)}
        for name in _VERDICT_INTS:
            view[name] = _int_or_none(fields.get(name))
        view |= {name: fields.get(name, "") for name in ("message", "stdout", "stderr")}
        view["seq"] = (view["total"] or 0) + 1
    elif live.get("state") == "running":
        test, total = int(live.get("test", 0)), int(live.get("total", 0))
        view |= {"status": "running", "test": test, "total": total, "seq": test}
    else:
        view |= {"status": "queued", "seq": 0}
    return view


def problem_view(fields: Mapping[str, str]) -> dict[str, Any] | None:
    """A problem's latest revision as a learner sees it (no hidden tests)."""
    if "revision" not in fields:
        return None
    return {
        "problem_id": fields["problem_id"],
        "revision": int(fields["revision"]),
        "title": fields["title"],
        "statement": fields["statement"],
        "difficulty": fields["difficulty"],
        "category": fields["category"],
        "kind": fields["kind"],
        "time_limit_ms": int(fields["time_limit_ms"]),
        "memory_limit_kb": int(fields["memory_limit_kb"]),
        "checker": json.loads(fields["checker"]),
        "samples": json.loads(fields["samples"]),
        "starter": json.loads(fields["starter"]),
        "function": json.loads(fields["function"]),
        "hidden_tests": int(fields["hidden_count"]),
        # How many hints there are, not what they say: each is asked for on its own.
        "hint_count": len(hints_of(fields)),
        "published_at": int(fields["published_at"]),
    }


def hints_of(fields: Mapping[str, str]) -> list[str]:
    # A revision projected before hints existed has none.
    hints: list[str] = json.loads(fields.get("hints", "[]"))
    return hints


def hint_view(fields: Mapping[str, str], n: int) -> dict[str, Any] | None:
    """Hint n (1-based) of a problem's latest revision and how many remain
    after it; None if the problem has fewer than n hints (or is unknown)."""
    hints = hints_of(fields)
    if "revision" not in fields or not 1 <= n <= len(hints):
        return None
    return {
        "problem_id": fields["problem_id"],
        "revision": int(fields["revision"]),
        "n": n,
        "hint": hints[n - 1],
        "hint_count": len(hints),
        "remaining": len(hints) - n,
    }


def progress_view(
    problem_id: str,
    fields: Mapping[str, str],
    best: Mapping[str, str],
    attempts: int,
    pending: bool,
) -> dict[str, Any]:
    status = progress_status(
        fields.get("marked"),
        "judged_since_mark" in fields,
        "accepted_since_mark" in fields,
        pending,
    )
    return {
        "problem_id": problem_id,
        "status": status,
        "attempts": attempts,
        "best": {
            "submission_id": best["submission_id"],
            "time_ms": int(best["time_ms"]),
            "memory_kb": int(best["memory_kb"]),
            "language": best["language"],
        }
        if "submission_id" in best
        else None,
        "last_verdict": fields.get("last_verdict"),
        "last_submission_id": fields.get("last_submission_id"),
    }


class JudgeReadModel(NamespacedReads):
    """Reads one namespace's judge models. The client is opened by the caller."""

    def updates_channel(self, submission_id: str) -> str:
        """The pub/sub channel of a submission's changes: JSON messages with
        "seq" (see `submission_view`) and "state" (running or judged)."""
        return keys.updates_channel(self.namespace, submission_id)

    async def problems(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        difficulty: str | None = None,
        category: str | None = None,
    ) -> ProblemPage:
        """Problem summaries ordered by problem_id, those after `cursor`, at
        most `limit`; `next_cursor` is set when more follow.

        The catalog is one hash filtered here: fine for thousands of problems.
        """
        raw = await self._redis.hgetall(self._key(keys.PROBLEMS))
        summaries = sorted(
            (json.loads(_text(v)) for v in raw.values()), key=lambda p: p["problem_id"]
        )
        matching = [
            p
            for p in summaries
            if (cursor is None or p["problem_id"] > cursor)
            and (difficulty is None or p["difficulty"] == difficulty)
            and (category is None or p["category"] == category)
        ]
        page = matching[:limit]
        more = len(matching) > limit
        return ProblemPage(page, page[-1]["problem_id"] if more and page else None)

    async def problem(self, problem_id: str) -> dict[str, Any] | None:
        raw = await self._redis.hgetall(self._key(keys.problem(problem_id)))
        return problem_view(_hash(raw))

    async def problem_hints(self, problem_id: str) -> dict[str, str]:
        """The fields `hint_view` reads (empty for an unknown problem)."""
        names = ("problem_id", "revision", "hints")
        raw = await self._redis.hmget(self._key(keys.problem(problem_id)), list(names))
        return {
            name: _text(value) for name, value in zip(names, raw, strict=True) if value is not None
        }

    async def problem_revision(self, problem_id: str) -> int | None:
        """The latest revision of a problem; None if it was never published."""
        raw = await self._redis.hget(self._key(keys.problem(problem_id)), "revision")
        return None if raw is None else int(raw)

    async def submission(self, submission_id: str) -> dict[str, Any] | None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._key(keys.submission(submission_id)))
            pipe.hgetall(self._key(keys.submission_tests(submission_id)))
            pipe.hgetall(self._key(keys.live(submission_id)))
            fields, tests, live = await pipe.execute()
        return submission_view(_hash(fields), _hash(tests), _hash(live))

    async def progress(self, user_id: str, problem_id: str | None = None) -> list[dict[str, Any]]:
        """The learner's progress on every problem they touched (or on one),
        ordered by problem_id. A problem never touched is not_started."""
        if problem_id is None:
            members = await self._redis.smembers(self._key(keys.user_problems(user_id)))
            problem_ids = sorted(_text(m) for m in members)
        else:
            problem_ids = [problem_id]
        if not problem_ids:
            return []
        async with self._redis.pipeline(transaction=True) as pipe:
            for pid in problem_ids:
                pipe.hgetall(self._key(keys.progress(user_id, pid)))
                pipe.hgetall(self._key(keys.best(user_id, pid)))
                pipe.scard(self._key(keys.attempts(user_id, pid)))
                pipe.sdiff(
                    [self._key(keys.attempts(user_id, pid)), self._key(keys.verdicts(user_id, pid))]
                )
            results = await pipe.execute()
        out = []
        for i, pid in enumerate(problem_ids):
            fields, best, attempts, pending = results[4 * i : 4 * i + 4]
            out.append(progress_view(pid, _hash(fields), _hash(best), int(attempts), bool(pending)))
        return out
