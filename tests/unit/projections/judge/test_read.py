from __future__ import annotations

import json

import pytest

from projections.judge.read import progress_status, submission_view


@pytest.mark.parametrize(
    ("marked", "judged", "accepted", "pending", "expected"),
    [
        (None, False, False, False, "not_started"),
        (None, False, False, True, "in_progress"),
        (None, True, False, False, "in_progress"),
        (None, True, True, False, "completed"),
        ("completed", False, False, False, "completed"),
        ("completed", True, False, False, "completed"),  # a later failure keeps it
        ("not_started", False, False, False, "not_started"),  # a mark lowers it
        ("not_started", False, False, True, "in_progress"),
        ("in_progress", True, True, False, "completed"),
    ],
)
def test_progress_status(
    marked: str | None, judged: bool, accepted: bool, pending: bool, expected: str
) -> None:
    assert progress_status(marked, judged, accepted, pending) == expected


_QUEUED = {
    "submission_id": "S1",
    "user_id": "ada",
    "problem_id": "two-sum",
    "problem_revision": "2",
    "language": "python",
    "mode": "submit",
    "submitted_at": "1700000000000000",
    "source_bytes": "9",
    "status": "queued",
    "rank": "1",
}


def test_a_submission_is_queued_then_running_then_judged() -> None:
    assert submission_view({}, {}, {}) is None
    queued = submission_view(_QUEUED, {}, {})
    assert queued is not None
    assert (queued["status"], queued["seq"], queued["problem_revision"]) == ("queued", 0, 2)

    live = {"state": "running", "test": "3", "total": "10"}
    running = submission_view(_QUEUED, {}, live)
    assert running is not None
    assert (running["status"], running["test"], running["total"], running["seq"]) == (
        "running", 3, 10, 3,
    )  # fmt: skip

    judged_fields = _QUEUED | {
        "status": "judged", "verdict": "wrong_answer", "passed": "9", "total": "10",
        "time_ms": "31", "memory_kb": "9000", "exit_code": "", "signal": "", "message": "",
    }  # fmt: skip
    tests = {"1": json.dumps({"index": 1}), "0": json.dumps({"index": 0})}
    judged = submission_view(judged_fields, tests, live)
    assert judged is not None
    assert (judged["status"], judged["verdict"], judged["label"]) == (
        "judged", "wrong_answer", "Wrong Answer",
    )  # fmt: skip
    assert judged["seq"] == 11 and judged["exit_code"] is None
    assert [t["index"] for t in judged["tests"]] == [0, 1]


def test_live_status_alone_is_a_running_submission() -> None:
    view = submission_view({}, {}, {"state": "running", "test": "1", "total": "4"})
    assert view is not None and view["status"] == "running"
