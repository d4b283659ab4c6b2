"""The deploy read model's writes, folded in memory (projections/redis_fold.py
applies the vocabulary as the sink's script does) and read back through the
read side's pure views."""

from __future__ import annotations

import json
from typing import Any

from projections.deploy import keys
from projections.deploy.read import deployment_view, events_with_seq, release_view, service_view
from projections.deploy.redis import redis_writes, writes_of
from projections.redis_fold import RedisFold
from schemas import deploy as dp
from tests.unit.projections.deploy.records import FACTS, SERVICE, Story, did, rid, story


def folded(s: Story, *, twice: bool = False) -> RedisFold:
    fold = RedisFold()
    for _, _, record in s.steps:
        fold.apply(redis_writes(record))
        if twice:  # the processor wrote the record again at a later offset
            fold.apply(redis_writes(record))
    return fold


def deployment(fold: RedisFold, deployment_id: str) -> dict[str, Any]:
    hosts = [
        fold.hashes.get(keys.host(deployment_id, h), {})
        for h in sorted(fold.sets.get(keys.hosts(deployment_id), set()))
    ]
    view = deployment_view(
        fold.hashes.get(keys.deployment(deployment_id), {}),
        fold.hashes.get(keys.waves(deployment_id), {}),
        fold.hashes.get(keys.approvals(deployment_id), {}),
        fold.hashes.get(keys.regions(deployment_id), {}),
        hosts,
        list(fold.lists.get(keys.rejections(deployment_id), [])),
    )
    assert view is not None
    return view


def test_a_deployment_that_reached_every_host_reads_succeeded() -> None:
    d1 = deployment(folded(story()), did(1))
    assert (d1["status"], d1["version"], d1["previous_version"], d1["deployer"]) == (
        "succeeded",
        "v1",
        "",
        "alice",
    )
    assert [(w["name"], w["status"], w["hosts"]) for w in d1["waves"]] == [
        ("canary", "done", 1),
        ("us-east", "done", 2),
    ]
    assert d1["regions"] == {
        "eu-west": {"hosts": 1, "updated": 1, "failed": 0, "restored": 0},
        "us-east": {"hosts": 2, "updated": 2, "failed": 0, "restored": 0},
    }
    assert [(h["host_id"], h["outcome"], h["version"]) for h in d1["hosts"]] == [
        ("h1", "updated", "v1"),
        ("h2", "updated", "v1"),
        ("h3", "updated", "v1"),
    ]
    assert all(h["last_step"]["step"] == "switched" for h in d1["hosts"])


def test_a_failed_canary_reads_rolled_back_with_its_hosts_last_steps() -> None:
    d2 = deployment(folded(story()), did(2))
    assert (d2["status"], d2["end_reason"], d2["restored_version"], d2["aborted"]) == (
        "rolled_back",
        "canary failed",
        "v1",
        False,
    )
    (h1,) = [h for h in d2["hosts"] if h["host_id"] == "h1"]
    assert (h1["outcome"], h1["version"]) == ("restored", "v1")
    assert h1["last_step"] | {"recorded_at": 0} == {
        "step": "rolled_back",
        "ok": True,
        "detail": "",
        "action": "restore",
        "attempt": 2,
        "version": "v1",
        "duration_ms": 5,
        "recorded_at": 0,
    }
    assert d2["regions"]["eu-west"] == {"hosts": 1, "updated": 0, "failed": 1, "restored": 1}
    assert [r["reason"] for r in d2["rejections"]] == ["approver_is_deployer"]


def test_the_service_runs_v1_and_nothing_is_active_or_queued() -> None:
    fold = folded(story())
    d3 = deployment(fold, did(3))
    assert (d3["status"], d3["behind"], d3["dequeued_by"]) == ("dequeued", did(2), "carol")
    view = service_view(SERVICE, fold.hashes[keys.service(SERVICE)], [], [])
    assert (view["current_version"], view["active_deployment_id"]) == ("v1", "")
    assert view["regions"] == ["eu-west", "us-east"]
    assert fold.sets.get(keys.queued(SERVICE), set()) == set()
    assert list(fold.lists[keys.latest(SERVICE)]) == [did(3), did(2), did(1)]


def test_releases_show_their_build_outcome() -> None:
    fold = folded(story())
    r1, r2, r3 = (release_view(fold.hashes[keys.release(rid(n))]) for n in (1, 2, 3))
    assert r1 is not None and r2 is not None and r3 is not None
    assert (r1["status"], r1["commit"], r1["build_ms"], r1["source"]) == (
        "created",
        "c1",
        1200,
        "git",
    )
    assert (r2["status"], r2["source"], r2["size_bytes"]) == ("created", "upload", 1002)
    assert (r3["status"], r3["build_failure"]) == ("build_failed", "build exited with status 2")
    assert fold.sets[keys.releases(SERVICE)] == {rid(1), rid(2), rid(3)}


def test_a_fact_written_twice_counts_once() -> None:
    once, twice = folded(story()), folded(story(), twice=True)
    assert twice.hashes == once.hashes
    assert twice.lists == once.lists
    assert twice.sets == once.sets


def test_events_number_every_fact_of_a_deployment_in_log_order() -> None:
    s = story()
    fold = folded(s)
    d2_facts = [
        r for t, _, r in s.steps if t == FACTS and getattr(r, "deployment_id", "") == did(2)
    ]
    seq = int(fold.hashes[keys.deployment(did(2))]["seq"])
    events = events_with_seq(seq, list(fold.lists[keys.events(did(2))]))
    assert [e["seq"] for e in events] == list(range(1, len(d2_facts) + 1))
    assert [e["type"] for e in events] == [type(r).__name__ for r in d2_facts]
    assert events[-1]["event"]["restored_version"] == "v1"


def test_live_messages_carry_the_counters_and_a_rebuild_leaves_them_out() -> None:
    record = story().steps[-1][2]
    assert isinstance(record, dp.DeploymentDequeued)
    writes = redis_writes(record)
    published = [w for w in writes if w[0] == "publish_seq"]
    assert [w[1:4] for w in published] == [
        [keys.deployment_channel(did(3)), keys.deployment(did(3)), "seq"],
        [keys.service_channel(SERVICE), keys.service(SERVICE), "seq"],
    ]
    assert json.loads(published[0][4])["type"] == "DeploymentDequeued"
    quiet = writes_of(dp.DeploymentDequeued, record.model_dump(), False)
    assert quiet == [w for w in writes if w[0] != "publish_seq"]


def test_a_refusal_of_an_unknown_deployment_makes_no_deployment() -> None:
    s = Story()
    s.fact(dp.CommandRejected, command="PauseDeployment", deployment_id="nope",
           reason="unknown_deployment", detail="none", actor="eve", at_ms=1)  # fmt: skip
    fold = folded(s)
    assert keys.deployment("nope") not in fold.hashes
    assert len(fold.lists[keys.service_rejections(SERVICE)]) == 1


def test_a_hosts_last_step_is_its_latest_whatever_the_order_and_times_of_the_reports() -> None:
    # Agents stamp every report of one instruction with that instruction's
    # time, and derive its id from the instruction's (no order among them);
    # read in reverse, the last step must still be the latest one.
    records = [r for _, _, r in story().steps]
    reports = [r for r in records if isinstance(r, dp.HostStepReported)]
    fold = RedisFold()
    for record in records:
        if not isinstance(record, dp.HostStepReported):
            fold.apply(redis_writes(record))
    for place, record in reversed(list(enumerate(reports))):
        same_time = record.envelope.model_copy(
            update={"recorded_at": 1, "event_id": f"{10**6 - place:08d}"}
        )
        fold.apply(redis_writes(record.model_copy(update={"envelope": same_time})))
    d1, d2 = deployment(fold, did(1)), deployment(fold, did(2))
    assert all(h["last_step"]["step"] == "switched" for h in d1["hosts"])
    (h1,) = [h for h in d2["hosts"] if h["host_id"] == "h1"]
    assert (h1["last_step"]["step"], h1["last_step"]["attempt"]) == ("rolled_back", 2)
