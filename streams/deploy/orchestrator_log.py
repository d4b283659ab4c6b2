"""The orchestrator's state as small parts on its changelog (the StateLog of
streams/state_log.py for `ServiceState`).

Parts of one service, each orjson:

    now             the orchestrator's clock, ms
    hosts           {host_id: region}
    current         {release_id, version, last_success}
    release:<id>    a release: version, artifact, commit time
    active          the active deployment (its waves, step, hosts in flight), or gone
    queue           the deployments waiting, in order
    done:<id>       how a deployment ended (or that it never started)

The clock touches `now` (and, while a deployment is active, `active`) on
every tick; the active deployment is one part because a service's hosts are
few and every report may change its wave, step and host runs together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import orjson

from schemas.deploy.records import (
    ClockTicked,
    CreateRelease,
    HostStepReported,
    RegisterHost,
    ReleaseBuilt,
    RetireHost,
    SetServiceHosts,
)
from schemas.envelope import Record
from streams.deploy.service_state import (
    ServiceState,
    deployment_from,
    queued_from,
    release_from,
    success_from,
)
from streams.facts import Fact

NOW = "now"
HOSTS = "hosts"
CURRENT = "current"
ACTIVE = "active"
QUEUE = "queue"
RELEASE = "release:"
DONE = "done:"


class OrchestratorLog:
    """Writes and restores one service's orchestrator state as parts. Pure."""

    def touched(self, state: ServiceState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        parts = [NOW]
        if isinstance(cause, CreateRelease | ReleaseBuilt):
            parts.append(RELEASE + cause.release_id)
        elif isinstance(cause, RegisterHost | RetireHost | SetServiceHosts):
            # Retiring a host a rollback waits for may end that rollback too.
            parts.append(HOSTS)
        if facts or isinstance(cause, ClockTicked | HostStepReported):
            # A report that decides nothing may still move its host's step.
            parts += [ACTIVE, QUEUE, CURRENT]
            parts += sorted(
                DONE + p["deployment_id"] for _, p in facts if p.get("deployment_id") in state.done
            )
        return parts

    def entry(self, state: ServiceState, sub_key: str) -> bytes | None:
        if sub_key == NOW:
            return orjson.dumps(state.now_ms)
        # An empty part is a tombstone: restoring without it gives the same.
        if sub_key == HOSTS:
            return orjson.dumps(state.hosts, option=orjson.OPT_SORT_KEYS) if state.hosts else None
        if sub_key == CURRENT:
            last = None if state.last_success is None else asdict(state.last_success)
            current = [state.current_release_id, state.current_version, last]
            return None if current == ["", "", None] else orjson.dumps(current)
        if sub_key == ACTIVE:
            return None if state.active is None else orjson.dumps(asdict(state.active))
        if sub_key == QUEUE:
            return orjson.dumps([asdict(q) for q in state.queue]) if state.queue else None
        if sub_key.startswith(RELEASE):
            release = state.releases.get(sub_key.removeprefix(RELEASE))
            return None if release is None else orjson.dumps(asdict(release))
        if sub_key.startswith(DONE):
            outcome = state.done.get(sub_key.removeprefix(DONE))
            return None if outcome is None else orjson.dumps(outcome)
        raise ValueError(f"{sub_key!r} is no part of an orchestrator's state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> ServiceState:
        state = ServiceState(key)
        releases: dict[str, Any] = {}
        done: dict[str, Any] = {}
        for sub_key, value in parts.items():
            data: Any = orjson.loads(value)
            if sub_key == NOW:
                state.now_ms = data
            elif sub_key == HOSTS:
                state.hosts = data
            elif sub_key == CURRENT:
                state.current_release_id, state.current_version = data[0], data[1]
                state.last_success = success_from(data[2])
            elif sub_key == ACTIVE:
                state.active = deployment_from(data)
            elif sub_key == QUEUE:
                state.queue = [queued_from(q) for q in data]
            elif sub_key.startswith(RELEASE):
                releases[sub_key.removeprefix(RELEASE)] = release_from(data)
            elif sub_key.startswith(DONE):
                done[sub_key.removeprefix(DONE)] = data
            else:
                raise ValueError(f"{sub_key!r} is no part of an orchestrator's state")
        # Insertion order is part of the state's hash; the live state's follows
        # the log, a restored one's sorts.
        state.releases = dict(sorted(releases.items()))
        state.done = dict(sorted(done.items()))
        return state

    def parts(self, state: ServiceState) -> dict[str, bytes]:
        """Every live part of `state`: what a compacted changelog holds of it."""
        names = [NOW, HOSTS, CURRENT, ACTIVE, QUEUE]
        names += [RELEASE + r for r in state.releases] + [DONE + d for d in state.done]
        entries = {name: self.entry(state, name) for name in names}
        return {name: value for name, value in entries.items() if value is not None}
