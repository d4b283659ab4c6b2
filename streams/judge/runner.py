"""The judge's Faust shell: run each command's code off the event loop, answer once.

The judge is an acting processor: it runs learners' code and records what
happened. Commands are judged concurrently (one slow submission must not hold
up the others) with at most one sandboxed evaluation per core. Every fact of a
command, and the note that the command is answered, go out in the
transaction of the command's input partition. A worker that dies mid-run
leaves nothing committed: the command comes back and is judged from scratch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, cast

import faust

from schemas.envelope import Record
from schemas.judge import MarkProgress, RunCode, SubmitSolution
from streams.admission import admitted
from streams.facts import Fact
from streams.faust_fixes import commit_gate, committed_offset, forget_table
from streams.input_transaction import InputTransaction, Outgoing
from streams.judge.answer import progress_facts
from streams.judge.judged import AnsweredCommands
from streams.judge.live_progress import LiveProgress
from streams.judge.ordered_acks import OrderedAcks
from streams.records import encoded_facts
from streams.state_codec import encode_key, encode_state

log = logging.getLogger(__name__)

PROCESSOR = "judge.evaluator"
Command = RunCode | SubmitSolution
# Judges one command in a worker thread: its facts, in order. The callback
# reports "test k of n" while it runs.
Judge = Callable[[Command, Callable[[int, int], None]], list[Fact]]


class JudgeRunner:
    def __init__(
        self,
        app: faust.App,
        table: Any,
        judge: Judge,
        live_progress: LiveProgress,
        evaluations_at_once: int,
    ) -> None:
        self.app = app
        self.table = table
        self._judge = judge
        self._live_progress = live_progress
        self._slots = asyncio.Semaphore(evaluations_at_once)
        self._changelog = table.changelog_topic.get_topic_name()
        self._transaction = InputTransaction(app, colocated=[self._changelog])
        self._acks = OrderedAcks()
        app.on_partitions_revoked.connect(self._forget_answers)  # type: ignore[arg-type]

    async def _forget_answers(self, sender: Any, revoked: Any = (), **kwargs: Any) -> None:
        """Drop answers held in memory when partitions move: memory may hold answers
        whose transaction a rebalance aborted, and Faust recovers what committed."""
        forget_table(self.table)
        self._acks.forget(revoked)

    async def process(self, event: faust.types.EventT[Any]) -> None:
        message = event.message
        self._acks.received(event)
        admission = admitted(
            message.key,
            message.value,
            PROCESSOR,
            "user_id",
            takes=(RunCode, SubmitSolution, MarkProgress),
        )
        if isinstance(admission, str):
            await self._finish(event, lambda: [self._dead_letter(message, admission)])
            return
        # `admitted` checked the type.
        command = cast(RunCode | SubmitSolution | MarkProgress, admission[0])
        if self._answered(command):
            log.info("%s: %s already answered; skipped", PROCESSOR, command.envelope.event_id)
            async with commit_gate():
                self._acks.finished(event)
            return
        if isinstance(command, MarkProgress):
            facts = progress_facts(command)
        else:
            facts = await self._evaluate(command)
        await self._finish(event, lambda: self._answer(message, command, facts))
        if not isinstance(command, MarkProgress):
            await self._commit_now(message.tp)

    async def _commit_now(self, tp: Any) -> None:
        """Commit this partition's transaction now rather than at the next timer commit.

        A learner is watching for the verdict, which nobody reads before the
        commit (read_committed): the timer costs it half of
        ONELOG_COMMIT_INTERVAL on average. Only the judge's input partition;
        if a commit is already under way, or fails, the timer commits it.
        """
        try:
            await self.app.consumer.commit({tp})
        except Exception:
            log.warning("%s: commit after a verdict failed; the timer commits it", PROCESSOR)

    async def _evaluate(self, command: Command) -> list[Fact]:
        submission_id = command.submission_id

        def progress(test: int, total: int) -> None:
            try:
                self._live_progress(submission_id, test, total)
            except Exception:  # live progress is a courtesy; the verdict is what counts
                log.warning("%s: live progress of %s not published", PROCESSOR, submission_id)

        async with self._slots:
            return await asyncio.to_thread(self._judge, command, progress)

    def _answered(self, command: Record) -> bool:
        answers: AnsweredCommands | None = self.table.get(command.user_id)  # type: ignore[attr-defined]
        return answers is not None and answers.answered(command.envelope.event_id)

    def _answer(
        self, message: faust.types.Message, command: Record, facts: list[Fact]
    ) -> list[Outgoing]:
        if self._answered(command):
            # Redelivered while the first copy was being judged: one answer only.
            return []
        user_id: str = command.user_id  # type: ignore[attr-defined]
        answers: AnsweredCommands = self.table.get(user_id) or AnsweredCommands(user_id)
        committed = committed_offset(self.app, message.tp)
        answers.add(command.envelope.event_id, message.offset, committed)
        self.table.data[user_id] = answers
        outgoing: list[Outgoing] = [
            (topic, key, value, None)
            for topic, key, value in encoded_facts(facts, command, PROCESSOR)
        ]
        outgoing.append((self._changelog, encode_key(user_id), encode_state(answers), None))
        return outgoing

    async def _finish(
        self, event: faust.types.EventT[Any], outgoing: Callable[[], list[Outgoing]]
    ) -> None:
        """Build the records under the commit gate, send them with the ack."""
        message = event.message
        async with commit_gate():
            if message.tp not in self.app.consumer.assignment():
                # Moved to another worker while we judged: that worker judges
                # it again, and our transaction for it is fenced anyway.
                log.info("%s: %s moved away mid-run; dropped", PROCESSOR, message.tp)
                return
            await asyncio.shield(self._transaction.send_all(message, outgoing()))
            self._acks.finished(event)

    def _dead_letter(self, message: faust.types.Message, reason: str) -> Outgoing:
        return self._transaction.dead_letter(message, reason, PROCESSOR)
