"""The judge's Faust agent and the real parts it is built from.

    judge.commands ── judge (per user; run code in the sandbox) ──> judge.events

The agent runs several actors so that one slow submission does not hold up
the others; evaluations themselves are limited to one per core.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, cast

import faust

from infra.settings import settings
from schemas.judge import Mode, RunCode, SubmitSolution
from schemas.judge.topics import JUDGE_COMMANDS
from streams.domain import Plugs
from streams.facts import Fact
from streams.judge.answer import evaluation_facts
from streams.judge.evaluation import evaluate, unjudged
from streams.judge.judge_dir import judge_dir
from streams.judge.judged import AnsweredCommands
from streams.judge.live_progress import LiveProgress, LiveProgressSlot
from streams.judge.problem_store import ProblemStore
from streams.judge.runner import JudgeRunner
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain
from streams.state_codec import state_table

CORES = os.cpu_count() or 1
# Actors waiting on a slot cost nothing; enough of them that a queue of slow
# submissions on one partition does not keep the others from the cores.
ACTORS = 4 * CORES


class SandboxJudge:
    """Judges one command with the real sandbox, toolchain and problem store."""

    def __init__(self, problems: ProblemStore, sandbox: Sandbox, toolchain: Toolchain) -> None:
        self.problems = problems
        self.sandbox = sandbox
        self.toolchain = toolchain

    def __call__(
        self, command: RunCode | SubmitSolution, progress: Callable[[int, int], None]
    ) -> list[Fact]:
        problem = self.problems.get(command.problem_id, command.problem_revision)
        if problem is None:
            mode: Mode = "run" if isinstance(command, RunCode) else "submit"
            why = (
                f"problem {command.problem_id} revision {command.problem_revision} "
                "is not on judge.problems"
            )
            return evaluation_facts(command, unjudged(mode, 0, why))
        evaluation = evaluate(
            problem, command, sandbox=self.sandbox, toolchain=self.toolchain, on_progress=progress
        )
        return evaluation_facts(command, evaluation)


LIVE_PROGRESS = "judge.live_progress"
"""The port name under which the worker's composition plugs in the writer of
"running test k of n" (streams/judge/live_progress.py: LiveProgress)."""


def register(app: faust.App, plugs: Plugs) -> None:
    """The judge's table, input topic and agent on `app`, with the real sandbox."""
    _settings = settings()
    # A worker composed without a live-progress writer publishes none.
    live_progress = LiveProgressSlot()
    writer = plugs.get(LIVE_PROGRESS)
    if writer is not None:
        live_progress.plug(cast(LiveProgress, writer))
    answered_table = state_table(
        app, "judge-answered", "judge-answered", AnsweredCommands.from_dict
    )
    # Read as bytes: the runner decodes (Avro, DLQ on failure).
    judge_inputs = app.topic(
        JUDGE_COMMANDS.name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )
    sandbox = Sandbox()
    runner = JudgeRunner(
        app,
        answered_table,
        judge=SandboxJudge(
            ProblemStore.on_kafka(_settings.kafka_bootstrap),
            sandbox,
            Toolchain(
                sandbox,
                judge_dir().compile_cache,
                bound_bytes=_settings.judge_compile_cache_mb * 1024 * 1024,
            ),
        ),
        live_progress=live_progress,
        evaluations_at_once=CORES,
    )

    # Named as when it was declared at module level, so Faust sees the same agent.
    @app.agent(judge_inputs, concurrency=ACTORS, name="streams.judge.agents.judge")
    async def judge(stream: Any) -> None:
        # No automatic ack when an actor takes its next event: the runner acks
        # in offset order (streams/judge/ordered_acks.py).
        async for event in stream.noack().events():
            await runner.process(event)
