"""The region agent's work in flight, decided without threads or Kafka: which
instruction each host carries out now, which it does next, and how far each
partition's offsets may be committed.

Hosts work independently: a host's long health check never holds another
host's instruction (the agent used to finish a whole batch before reading
on). One host does one instruction at a time, in log order; of those read
while it is busy only the last one waits (the orchestrator ignores reports
on a host's earlier instructions, so they are skipped). An offset may be
committed only once it and every offset before it on its partition are
done: a killed agent re-reads everything not yet done.

Not thread-safe: the agent calls it under one lock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from streams.deploy.host_plan import Instruction


@dataclass(frozen=True)
class Position:
    partition: int
    offset: int


@dataclass(frozen=True)
class Task:
    """An instruction to carry out now, and where it was read."""

    position: Position
    instruction: Instruction


@dataclass
class _Host:
    running: Position | None = None
    waiting: Task | None = None


@dataclass
class WorkInFlight:
    _read: dict[int, deque[int]] = field(default_factory=dict)  # partition -> offsets, in order
    _done: set[Position] = field(default_factory=set)
    _hosts: dict[str, _Host] = field(default_factory=dict)

    def read(self, position: Position, instruction: Instruction | None) -> Task | None:
        """A record was read (None: nothing for this agent to do, done at
        once). The task to start now, if any."""
        self._read.setdefault(position.partition, deque()).append(position.offset)
        if instruction is None:
            self._done.add(position)
            return None
        host = self._hosts.setdefault(instruction.host_id, _Host())
        task = Task(position, instruction)
        if host.running is None:
            host.running = position
            return task
        if host.waiting is not None:
            self._done.add(host.waiting.position)  # overtaken before it started
        host.waiting = task
        return None

    def finished(self, task: Task) -> Task | None:
        """A task is done and its reports are produced. The host's next task, if one waits."""
        self._done.add(task.position)
        host = self._hosts.get(task.instruction.host_id)
        if host is None or host.running != task.position:
            return None  # forgotten meanwhile (partitions taken away)
        following, host.waiting = host.waiting, None
        host.running = following.position if following else None
        if following is None:
            del self._hosts[task.instruction.host_id]
        return following

    def committable(self) -> dict[int, int]:
        """Per partition whose done prefix grew since the last call, the
        offset to commit (the next one to read)."""
        advanced: dict[int, int] = {}
        for partition, offsets in self._read.items():
            while offsets and Position(partition, offsets[0]) in self._done:
                offset = offsets.popleft()
                self._done.discard(Position(partition, offset))
                advanced[partition] = offset + 1
        return advanced

    @property
    def idle(self) -> bool:
        return not self._hosts

    def forget(self) -> None:
        """Partitions were taken away: start again from what is committed."""
        self._read.clear()
        self._done.clear()
        self._hosts.clear()
