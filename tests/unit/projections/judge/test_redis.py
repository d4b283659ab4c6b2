from __future__ import annotations

import json
from typing import Any

from projections.judge import keys
from projections.judge.redis import redis_writes, writes_of
from schemas import judge as jd
from tests.unit.projections.judge.records import Session, sid, story


def _records(session: Session, model: type[Any]) -> list[Any]:
    return [r for _, _, r in session.steps if isinstance(r, model)]


def test_a_problem_is_guarded_by_its_revision_and_keeps_hidden_tests_out() -> None:
    published = _records(story(), jd.ProblemPublished)[1]
    writes = redis_writes(published)
    assert writes[0] == ["guard_seq", keys.problem("two-sum"), "revision", "2"]
    text = json.dumps(writes)
    assert "HIDDEN" not in text and "SECRET CHECKER" not in text
    (summary,) = [w for w in writes if w[1] == keys.PROBLEMS]
    assert json.loads(summary[3])["title"] == "Two Sum (revised)"


def test_a_command_queues_its_submission_and_a_verdict_outranks_it() -> None:
    session = story()
    (submit,) = [r for r in _records(session, jd.SubmitSolution) if r.submission_id == sid(1)]
    (judged,) = [r for r in _records(session, jd.SubmissionJudged) if r.submission_id == sid(1)]
    ranked = [w for w in redis_writes(submit) + redis_writes(judged) if w[0] == "hset_ranked"]
    statuses = [(w[2], w[4]) for w in ranked if w[1] == keys.submission(sid(1))]
    assert statuses == [("1", "queued"), ("2", "judged")]


def test_a_verdict_is_announced_after_every_running_message() -> None:
    judged = next(r for r in _records(story(), jd.SubmissionJudged) if r.mode == "submit")
    publish = redis_writes(judged)[-1]
    assert publish[:2] == ["publish", keys.updates(judged.submission_id)]
    message = json.loads(publish[2])
    assert message["seq"] == judged.total + 1 and message["state"] == "judged"
    assert all(
        w[0] != "publish" for w in writes_of(jd.SubmissionJudged, judged.model_dump(), False)
    )


def test_a_run_changes_no_progress() -> None:
    session = story()
    run_writes = redis_writes(_records(session, jd.RunCode)[0])
    run_writes += redis_writes(_records(session, jd.SubmissionJudged)[0])
    touched = {w[1].split(":")[1] for w in run_writes if w[0] != "publish"}
    assert touched == {"submission"}


def test_progress_hash_is_written_from_facts_only() -> None:
    # Commands add set members only: they commute with the facts' writes
    # whichever topic the projector reads first.
    session = story()
    for _, _, record in session.steps:
        for write in redis_writes(record):
            if write[1].startswith(("judge:progress:", "judge:best:")):
                assert isinstance(record, jd.SubmissionJudged | jd.ProgressMarked)
            if isinstance(record, jd.SubmitSolution) and write[0] != "sadd":
                assert write[1] == keys.submission(record.submission_id)


def test_an_accepted_verdict_ranks_the_faster_run_higher() -> None:
    accepted = [r for r in _records(story(), jd.SubmissionJudged) if r.verdict == "accepted"]
    ranks = {}
    for r in accepted[1:]:
        (best,) = [w for w in redis_writes(r) if w[1] == keys.best("ada", "two-sum")]
        ranks[r.time_ms] = int(best[2])
    assert ranks[25] > ranks[40]


def test_hidden_tests_keep_their_output_out_of_the_read_model() -> None:
    hidden = next(r for r in _records(story(), jd.TestJudged) if r.hidden)
    (write,) = redis_writes(hidden)
    assert json.loads(write[3])["output_excerpt"] == ""


def test_writes_use_relative_keys_and_string_values() -> None:
    for _, _, record in story().steps:
        for write in redis_writes(record):
            assert all(isinstance(part, str) for part in write)
            assert write[1].startswith("judge:")


def test_the_agent_live_update_names_keys_in_the_namespace() -> None:
    assert keys.live_status_key("live", "S1") == "live:judge:live:S1"
    assert keys.updates_channel("live", "S1") == "live:judge:updates:S1"
    fields, message = keys.live_update("S1", 2, 5)
    assert fields == {"state": "running", "test": "2", "total": "5"}
    assert json.loads(message) == {
        "submission_id": "S1",
        "seq": 2,
        "state": "running",
        "test": 2,
        "total": 5,
    }
