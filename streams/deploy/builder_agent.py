"""The builder's Faust shell: BuildRelease in, its outcome out, exactly once.

    deploy.builds (BuildRelease) ── builder (sandboxed build) ──> deploy.builds
                                                 (ReleaseBuilt | ReleaseBuildFailed)

The builder's own outcomes come back on the topic it reads; it skips them,
noting which releases are answered, so a BuildRelease repeated behind its
answer is not built twice. The outcome is sent in the transaction of the
command's input partition, with its offset: a worker that dies mid-build
leaves nothing committed and the command is built again from scratch (the
blob store is content-addressed, so a second put of the same bytes is free).

Builds run one at a time per worker: a build may use a core for minutes, and
the judge shares the cores.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from infra.settings import settings
from schemas.deploy.records import BUILDS, BuildRelease, ReleaseBuildFailed, ReleaseBuilt
from schemas.deploy.topics import DEPLOY_BUILDS
from streams.admission import admitted
from streams.deploy.blob_store import BlobStore
from streams.deploy.builder import Builder
from streams.deploy.config import deploy_settings
from streams.deploy.signing import load_or_create_signing_key, write_public_key
from streams.domain import Plugs
from streams.faust_fixes import commit_gate
from streams.input_transaction import InputTransaction, Outgoing
from streams.judge.judge_dir import judge_dir
from streams.judge.sandbox import Sandbox
from streams.records import encoded_facts

log = logging.getLogger(__name__)

PROCESSOR = "deploy.builder"
# Release ids answered that the builder remembers (oldest forgotten first):
# a repeat of a BuildRelease comes soon after it, if at all.
REMEMBERED_ANSWERS = 100_000


class BuilderShell:
    def __init__(self, app: faust.App, builder: Builder) -> None:
        self.app = app
        self._builder = builder
        self._transaction = InputTransaction(app)
        self._answered: dict[str, None] = {}

    async def process(self, event: faust.types.EventT[Any]) -> None:
        message = event.message
        admission = admitted(message.key, message.value, PROCESSOR, "service", takes=BUILDS)
        if isinstance(admission, str):
            dead = self._transaction.dead_letter(message, admission, PROCESSOR)
            await self._finish(event, [dead])
            return
        record = admission[0]
        if isinstance(record, ReleaseBuilt | ReleaseBuildFailed):
            self._remember(record.release_id)
            await self._finish(event, [])
            return
        assert isinstance(record, BuildRelease)  # `admitted` took BUILDS only
        if record.release_id in self._answered:
            log.info("%s: release %s already answered; skipped", PROCESSOR, record.release_id)
            await self._finish(event, [])
            return
        log.info(
            "%s: building release %s of %s at %s",
            PROCESSOR,
            record.release_id,
            record.service,
            record.commit,
        )
        fact = await asyncio.to_thread(self._builder.build, record)
        self._remember(record.release_id)
        outgoing: list[Outgoing] = [
            (topic, key, value, None)
            for topic, key, value in encoded_facts([fact], record, PROCESSOR)
        ]
        await self._finish(event, outgoing)

    def _remember(self, release_id: str) -> None:
        self._answered[release_id] = None
        while len(self._answered) > REMEMBERED_ANSWERS:
            del self._answered[next(iter(self._answered))]

    async def _finish(self, event: faust.types.EventT[Any], outgoing: list[Outgoing]) -> None:
        """Send the outcome and ack the command under the commit gate, so one
        transaction holds both (streams/faust_fixes.py, fix 2)."""
        message = event.message
        async with commit_gate():
            if message.tp not in self.app.consumer.assignment():
                # Moved to another worker mid-build: it builds again, and a
                # transaction of ours for it would be fenced anyway.
                log.info("%s: %s moved away mid-build; dropped", PROCESSOR, message.tp)
                return
            if outgoing:
                await asyncio.shield(self._transaction.send_all(message, outgoing))
            event.ack()


def register(app: faust.App, plugs: Plugs) -> None:
    """The builder's input topic and agent on `app`, with the real sandbox and blob store."""
    deploy = deploy_settings(settings())
    key = load_or_create_signing_key(deploy.signing_key_path)
    if not deploy.public_key_path.exists():
        write_public_key(key, deploy.public_key_path)
    # Boxes in the judge's folder, not the deploy folder: the checkout (and
    # its .onelog/) may sit where no sandbox uid can enter.
    builder = Builder(Sandbox(), BlobStore(deploy.blob_dir, key), judge_dir().builds)
    shell = BuilderShell(app, builder)
    # Read as bytes: the shell decodes (Avro, DLQ on failure).
    builds = app.topic(
        DEPLOY_BUILDS.name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )

    @app.agent(builds, name="streams.deploy.builder_agent.builder")
    async def builder_agent(stream: Any) -> None:
        # Acked by the shell, under the commit gate, once the outcome is sent.
        async for event in stream.noack().events():
            await shell.process(event)
