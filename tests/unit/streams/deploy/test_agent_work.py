"""The region agent's work in flight: hosts independent, one instruction per
host at a time, the last waiting one wins, offsets committed only over a
done prefix."""

from __future__ import annotations

from schemas.deploy.records import Artifact, InstallRelease, RestoreRelease
from streams.deploy.agent_work import Position, Task, WorkInFlight
from streams.deploy.host_plan import Instruction
from tests.support.log import command

ARTIFACT = Artifact(digest="a" * 64, signature="00", size_bytes=1)


def _install(host: str, attempt: int = 1) -> Instruction:
    return command(  # type: ignore[return-value]
        InstallRelease,
        deployment_id="d1",
        service="svc",
        region="us-east",
        host_id=host,
        attempt=attempt,
        release_id="r1",
        version="v2",
        artifact=ARTIFACT,
        deadline_ms=10**13,
    )


def _restore(host: str) -> Instruction:
    return command(  # type: ignore[return-value]
        RestoreRelease,
        deployment_id="d1",
        service="svc",
        region="us-east",
        host_id=host,
        attempt=2,
        version="v1",
    )


def _at(offset: int, partition: int = 0) -> Position:
    return Position(partition, offset)


def test_hosts_start_at_once_and_a_slow_one_holds_no_other() -> None:
    work = WorkInFlight()
    a = work.read(_at(0), _install("a"))
    b = work.read(_at(1), _install("b"))
    assert a is not None and b is not None
    assert work.finished(b) is None
    assert work.committable() == {}  # offset 0 (host a) is not done yet
    assert work.finished(a) is None
    assert work.committable() == {0: 2}
    assert work.idle


def test_one_host_does_one_instruction_at_a_time_and_only_the_last_waiting() -> None:
    work = WorkInFlight()
    first = work.read(_at(0), _install("a"))
    assert first is not None
    assert work.read(_at(1), _install("a", attempt=2)) is None
    assert work.read(_at(2), None) is None  # another region's record: done at once
    assert work.read(_at(3), _restore("a")) is None
    following = work.finished(first)
    assert following is not None
    assert following.position == _at(3)
    assert isinstance(following.instruction, RestoreRelease)
    assert work.committable() == {0: 3}  # 0 done, 1 overtaken, 2 nothing to do; 3 runs
    assert work.finished(following) is None
    assert work.committable() == {0: 4}
    assert work.committable() == {}


def test_partitions_commit_apart() -> None:
    work = WorkInFlight()
    slow = work.read(_at(5, partition=0), _install("a"))
    quick = work.read(_at(9, partition=1), _install("b"))
    assert slow is not None and quick is not None
    work.finished(quick)
    assert work.committable() == {1: 10}
    work.finished(slow)
    assert work.committable() == {0: 6}


def test_forget_starts_again() -> None:
    work = WorkInFlight()
    task = work.read(_at(0), _install("a"))
    assert isinstance(task, Task)
    work.forget()
    assert work.idle
    assert work.committable() == {}
    assert work.read(_at(0), _install("a")) is not None
