"""The judge's Redis key layout, shared by the writer, the reader and the
live-progress writer.

Keys are relative to the namespace: the sink and the reader add `<ns>:`.

    judge:problems                          hash problem_id -> summary JSON (title,
                                            difficulty, category, kind, revision)
    judge:problem:<problem_id>              hash: the latest revision's public
                                            parts (samples, starter code; never
                                            the hidden tests)
    judge:submission:<submission_id>        hash: who, what, status (queued <
                                            judged, ranked), compile outcome,
                                            verdict
    judge:submission:<submission_id>:tests  hash test index -> test result JSON
    judge:progress:<user_id>:<problem_id>   hash, written from judge.events only
                                            (one partition per user, so in log
                                            order): marked status, verdicts
                                            since the mark, last verdict
    judge:best:<user_id>:<problem_id>       hash: the fastest accepted submission
                                            (ranked: BEST_RANK_BASE - time_ms)
    judge:attempts:<user_id>:<problem_id>   set of submitted submission ids
    judge:verdicts:<user_id>:<problem_id>   set of submission ids with a verdict
    judge:user-problems:<user_id>           set of problem ids the user touched

Not projected, so no read model (READ_MODEL leaves them out and verify does
not compare them): the live-progress writer (projections/judge/live_progress.py,
which the worker hands the judge agent) writes them; replay never needs them.

    judge:live:<submission_id>              hash {state: running, test: k, total: n}
    channel judge:updates:<submission_id>   pub/sub: JSON per change of a
                                            submission ({"seq", "state", ...}):
                                            the agent's running messages and
                                            the projector's verdict

`live_status_key`, `updates_channel` and `live_update` are the live-progress
writer's: they take the namespace, since it writes to Redis without the sink.
"""

from __future__ import annotations

import json

PROBLEMS = "judge:problems"
# A faster accepted run ranks higher; runs are far below a day.
BEST_RANK_BASE = 10**12
# The agent's live status outlives any submission's judging, then vanishes.
LIVE_TTL_S = 3600
# The prefixes of every projected key above: the read model verify compares.
READ_MODEL: tuple[str, ...] = (
    PROBLEMS,
    "judge:problem:",
    "judge:submission:",
    "judge:progress:",
    "judge:best:",
    "judge:attempts:",
    "judge:verdicts:",
    "judge:user-problems:",
)


def problem(problem_id: str) -> str:
    return f"judge:problem:{problem_id}"


def submission(submission_id: str) -> str:
    return f"judge:submission:{submission_id}"


def submission_tests(submission_id: str) -> str:
    return f"judge:submission:{submission_id}:tests"


def progress(user_id: str, problem_id: str) -> str:
    return f"judge:progress:{user_id}:{problem_id}"


def best(user_id: str, problem_id: str) -> str:
    return f"judge:best:{user_id}:{problem_id}"


def attempts(user_id: str, problem_id: str) -> str:
    return f"judge:attempts:{user_id}:{problem_id}"


def verdicts(user_id: str, problem_id: str) -> str:
    return f"judge:verdicts:{user_id}:{problem_id}"


def user_problems(user_id: str) -> str:
    return f"judge:user-problems:{user_id}"


def live(submission_id: str) -> str:
    return f"judge:live:{submission_id}"


def updates(submission_id: str) -> str:
    return f"judge:updates:{submission_id}"


# --- the live-progress writer's (absolute names: the namespace included) -----


def live_status_key(namespace: str, submission_id: str) -> str:
    """Where "running test k of n" is kept for a submission (a hash)."""
    return f"{namespace}:{live(submission_id)}"


def updates_channel(namespace: str, submission_id: str) -> str:
    """The pub/sub channel a submission's progress is PUBLISHed on
    (the projector publishes the verdict there too)."""
    return f"{namespace}:{updates(submission_id)}"


def live_update(submission_id: str, test: int, total: int) -> tuple[dict[str, str], str]:
    """The hash fields and the message for "running test `test` (1-based) of
    `total`". The live-progress writer sends them in one pipeline:

        fields, message = live_update(sid, k, n)
        HSET live_status_key(ns, sid) fields; EXPIRE ... LIVE_TTL_S
        PUBLISH updates_channel(ns, sid) message

    The message's `seq` is the test number: the verdict that follows has
    seq total + 1, so a stream reader orders them and drops stale ones.
    """
    fields = {"state": "running", "test": str(test), "total": str(total)}
    message = {
        "submission_id": submission_id,
        "seq": test,
        "state": "running",
        "test": test,
        "total": total,
    }
    return fields, json.dumps(message, separators=(",", ":"), sort_keys=True)
