"""The judge agent on the real broker: commands in, one answer each, in the sandbox."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable

import pytest
import redis
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from infra import processes
from infra.partitioning import partition_for
from infra.settings import Settings
from onelog import platform
from onelog.judge.problem_catalog import latest_revisions, publish_catalog
from projections.judge.keys import live_status_key
from schemas.judge import (
    MarkProgress,
    ProgressMarked,
    RunCode,
    SubmissionCompiled,
    SubmissionJudged,
    SubmitSolution,
    TestJudged,
)
from schemas.judge.topics import JUDGE_COMMANDS, JUDGE_EVENTS
from schemas.ulid import new_ulid
from streams.judge.catalog import reference_solutions
from tests.support.log import LogReader, LogWriter, Seen, command, records

pytestmark = pytest.mark.integration

PROBLEM = "a-plus-b"


@pytest.fixture(scope="module")
def problems(infrastructure: Settings) -> Settings:
    publish_catalog(infrastructure.kafka_bootstrap)
    return infrastructure


def _revision(bootstrap: str, problem_id: str) -> int:
    return latest_revisions(bootstrap)[problem_id].revision


def _submit(user: str, source: str, language: str, revision: int) -> SubmitSolution:
    return command(  # type: ignore[return-value]
        SubmitSolution,
        submission_id=new_ulid(int(time.time() * 1000)),
        user_id=user,
        problem_id=PROBLEM,
        problem_revision=revision,
        language=language,
        source=source,
    )


def _for(user: str) -> Callable[[Seen], bool]:
    def keep(seen: Seen) -> bool:
        return getattr(seen.record, "user_id", None) == user

    return keep


def test_submissions_get_one_verdict_each(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    user = f"learner-{uuid.uuid4().hex[:8]}"
    revision = _revision(worker.kafka_bootstrap, PROBLEM)
    right = _submit(user, reference_solutions(PROBLEM)["python"], "python", revision)
    wrong = _submit(user, "print(0)\n", "python", revision)
    broken = _submit(user, "int main( {", "cpp", revision)
    run: RunCode = command(  # type: ignore[assignment]
        RunCode,
        submission_id=new_ulid(int(time.time() * 1000)),
        user_id=user,
        problem_id=PROBLEM,
        problem_revision=revision,
        language="python",
        source="print(sum(map(int, input().split())))\n",
        stdin="40 2\n",
    )
    mark = command(MarkProgress, user_id=user, problem_id=PROBLEM, status="in_progress")
    writer.send(right, wrong, broken, run, mark)

    reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
    seen = reader.wait_for(
        _for(user),
        lambda s: len(records(s, SubmissionJudged)) >= 4 and bool(records(s, ProgressMarked)),
        timeout=180,
    )
    reader.close()
    verdicts = {r.submission_id: r for r in records(seen, SubmissionJudged)}
    assert verdicts[right.submission_id].verdict == "accepted"
    assert verdicts[right.submission_id].passed == verdicts[right.submission_id].total > 0
    assert verdicts[wrong.submission_id].verdict == "wrong_answer"
    assert verdicts[broken.submission_id].verdict == "compilation_error"
    assert verdicts[broken.submission_id].message  # the compiler said why
    assert verdicts[run.submission_id].mode == "run"
    assert verdicts[run.submission_id].stdout.strip() == "42"
    tests_of_right = [
        t for t in records(seen, TestJudged) if t.submission_id == right.submission_id
    ]
    assert len(tests_of_right) == verdicts[right.submission_id].total
    assert all(t.outcome == "accepted" for t in tests_of_right)
    compiled = [
        r for r in records(seen, SubmissionCompiled) if r.submission_id == broken.submission_id
    ]
    assert [c.ok for c in compiled] == [False]
    counts = Counter(r.submission_id for r in records(seen, SubmissionJudged))
    assert max(counts.values()) == 1


def test_garbage_on_the_command_topic_goes_to_the_dlq(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    user = f"learner-{uuid.uuid4().hex[:8]}"
    writer.send_raw(JUDGE_COMMANDS.name, user.encode(), b"\xc3\x01not avro at all")
    revision = _revision(worker.kafka_bootstrap, PROBLEM)
    after = _submit(user, reference_solutions(PROBLEM)["python"], "python", revision)
    writer.send(after)
    dlq = LogReader(worker.kafka_bootstrap, [JUDGE_COMMANDS.dlq])
    dlq.wait_for(lambda s: s.raw == b"\xc3\x01not avro at all", lambda s: len(s) >= 1, timeout=120)
    dlq.close()
    reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
    seen = reader.wait_for(_for(user), lambda s: bool(records(s, SubmissionJudged)), timeout=120)
    reader.close()
    assert records(seen, SubmissionJudged)[0].verdict == "accepted"


@pytest.mark.crash
def test_a_worker_killed_mid_run_answers_once(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    """SIGKILL while a slow submission runs: judged again from scratch, one verdict."""
    user = f"learner-{uuid.uuid4().hex[:8]}"
    revision = _revision(worker.kafka_bootstrap, PROBLEM)
    slow = _submit(
        user,
        "import time\ntime.sleep(1.5)\n" + reference_solutions(PROBLEM)["python"],
        "python",
        revision,
    )
    writer.send(slow)
    live = LogReader(worker.kafka_bootstrap, [JUDGE_COMMANDS.name])
    live.wait_for(_for(user), lambda s: len(s) >= 1, timeout=60)
    live.close()
    # The first test is running (sleeping) when the worker dies.
    processes.wait_until(
        lambda: _running(worker, slow.submission_id), 120, "the slow submission to start"
    )
    processes.kill(worker.state_dir, platform.worker_name(1))
    platform.start_worker(worker, 1)
    reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
    seen = reader.wait_for(_for(user), lambda s: bool(records(s, SubmissionJudged)), timeout=300)
    # Anything doubled would arrive shortly after the first answer.
    seen = reader.wait_for(_for(user), lambda s: True, timeout=10)
    reader.close()
    verdicts = records(seen, SubmissionJudged)
    assert [v.submission_id for v in verdicts] == [slow.submission_id]
    assert verdicts[0].verdict == "accepted"
    tests = [t.index for t in records(seen, TestJudged)]
    assert sorted(tests) == sorted(set(tests)), "a test was reported twice"


def _running(settings: Settings, submission_id: str) -> bool:
    client = redis.Redis.from_url(settings.redis_url)
    return bool(client.exists(live_status_key(settings.namespace, submission_id)))


def test_a_slow_submission_does_not_hold_up_a_quick_one(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    revision = _revision(worker.kafka_bootstrap, PROBLEM)
    reference = reference_solutions(PROBLEM)["python"]
    # The same user, so the same partition: the hard case for a per-partition consumer.
    user = f"learner-{uuid.uuid4().hex[:8]}"
    slow = _submit(user, "import time\ntime.sleep(0.8)\n" + reference, "python", revision)
    quick = _submit(user, reference, "python", revision)
    writer.send(slow, quick)
    reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
    seen = reader.wait_for(
        _for(user), lambda s: len(records(s, SubmissionJudged)) >= 2, timeout=180
    )
    reader.close()
    order = [r.submission_id for r in records(seen, SubmissionJudged)]
    # Facts commit in the order they were decided: the quick one first.
    assert order == [quick.submission_id, slow.submission_id]
    assert {r.verdict for r in records(seen, SubmissionJudged)} == {"accepted"}


def test_answers_are_saved_on_the_partition_of_the_commands_they_answer(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    """A worker recovers the changelog partitions numbered like the input
    partitions it holds: an answer saved elsewhere would be missing after a
    rebalance, and its command judged again."""
    users: dict[int, str] = {}
    while len(users) < worker.partitions:
        user = f"learner-{uuid.uuid4().hex[:8]}"
        users.setdefault(partition_for(user.encode(), worker.partitions), user)
    marks = [
        command(MarkProgress, user_id=u, problem_id=PROBLEM, status="in_progress")
        for u in users.values()
    ]
    writer.send(*marks)
    reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
    reader.wait_for(
        lambda s: getattr(s.record, "user_id", None) in users.values(),
        lambda s: len(records(s, ProgressMarked)) >= len(marks),
        timeout=120,
    )
    reader.close()
    saved = _changelog_partitions(worker, "onelog-judge-answered-changelog", set(users.values()))
    assert saved == {user: partition for partition, user in users.items()}


def _changelog_partitions(settings: Settings, topic: str, users: set[str]) -> dict[str, int]:
    """The partition each user's answers were last saved on (keys are JSON strings)."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": f"test-{uuid.uuid4()}",
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
            "enable.auto.commit": False,
        }
    )
    partitions = range(settings.partitions)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    saved: dict[str, int] = {}
    unread = set(partitions)
    deadline = time.monotonic() + 60
    while unread and time.monotonic() < deadline:
        for message in consumer.consume(1000, timeout=0.2):
            partition = message.partition()
            assert partition is not None
            if message.error() is not None:
                unread.discard(partition)
                continue
            user = json.loads(message.key() or b"null")
            if user in users:
                saved[user] = partition
    consumer.close()
    assert not unread, "the changelog was not read to its end"
    return saved


def test_a_second_worker_shares_the_submissions_by_partition(
    problems: Settings, worker: Settings, writer: LogWriter
) -> None:
    second = platform.worker_name(2)
    platform.start_worker(worker, 2)
    try:
        processes.wait_until(
            lambda: _both_hold_some(_judge_partitions(worker.kafka_bootstrap)),
            120,
            "both workers to hold judge.commands partitions",
        )
        split = _judge_partitions(worker.kafka_bootstrap)
        assert sorted(p for member in split for p in member) == list(range(worker.partitions))
        # One learner per partition, so every worker has submissions to judge.
        users: dict[int, str] = {}
        while len(users) < worker.partitions:
            user = f"learner-{uuid.uuid4().hex[:8]}"
            users.setdefault(partition_for(user.encode(), worker.partitions), user)
        revision = _revision(worker.kafka_bootstrap, PROBLEM)
        reference = reference_solutions(PROBLEM)["python"]
        sent = [_submit(u, reference, "python", revision) for u in users.values()]
        writer.send(*sent)
        reader = LogReader(worker.kafka_bootstrap, [JUDGE_EVENTS.name])
        seen = reader.wait_for(
            lambda s: getattr(s.record, "user_id", None) in users.values(),
            lambda s: len(records(s, SubmissionJudged)) >= len(sent),
            timeout=180,
        )
        reader.close()
        verdicts = records(seen, SubmissionJudged)
        assert sorted(v.submission_id for v in verdicts) == sorted(c.submission_id for c in sent)
        assert {v.verdict for v in verdicts} == {"accepted"}
    finally:
        processes.stop(worker.state_dir, second)


def _both_hold_some(split: list[list[int]]) -> bool:
    return len(split) == 2 and all(split)


def _judge_partitions(bootstrap: str) -> list[list[int]]:
    """Per member of the Faust group: the judge.commands partitions it holds."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    (future,) = admin.describe_consumer_groups(["onelog"]).values()
    members = future.result(timeout=30).members
    return [
        sorted(
            tp.partition
            for tp in (m.assignment.topic_partitions if m.assignment else [])
            if tp.topic == JUDGE_COMMANDS.name
        )
        for m in members
    ]
