"""The deployment system's live read models as the gateway reads them (Redis).

Each method reads in one MULTI/EXEC transaction, so it never sees half of a
projector batch (the projector applies a batch in one Lua script). The
shaping of raw hashes into answers is pure (`deployment_view`, `host_view`,
`release_view`, ...), tested by itself. Times are integer milliseconds
(`*_ms`) or the log's microseconds (`requested_at`, `queued_at`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from projections.deploy import keys
from projections.namespaced_reads import NamespacedReads

_DEPLOYMENT_INTS = (
    "seq",
    "requested_at",
    "queued_at",
    "committed_at_ms",
    "started_at_ms",
    "status_at_ms",
    "ended_at_ms",
    "current_wave",
    "gate_wave",
    "hosts_updated",
    "rollback_hosts",
    "rollback_started_at_ms",
    "rejected_at_ms",
)
_DEPLOYMENT_JSON = ("strategy", "plan")
_WAVE_INTS = (
    "hosts",
    "failed_hosts",
    "started_at_ms",
    "completed_at_ms",
    "gate_at_ms",
    "approved_at_ms",
)
_WAVE_FLAGS = ("is_canary", "needs_approval")
_HOST_INTS = ("wave", "outcome_at_ms", "step_at", "step_attempt", "step_duration_ms")
_RELEASE_INTS = ("committed_at_ms", "size_bytes", "build_ms", "rejected_at_ms")
_OUTCOMES = ("updated", "failed", "restored")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _hash(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _int_or_none(value: str | None) -> int | None:
    return None if value is None or value == "" else int(value)


def _ints(fields: dict[str, Any], names: Sequence[str]) -> None:
    for name in names:
        if name in fields:
            fields[name] = _int_or_none(fields[name])


def _flag(value: str | None) -> bool | None:
    return None if value is None else value == "1"


def deployment_status(fields: Mapping[str, str]) -> str:
    """The status facts wrote; "requested" while only the command is known."""
    return fields.get("status") or "requested"


def wave_views(plan: list[dict[str, Any]], fields: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each planned wave with its progress ("<index>.<field>" in the waves hash)."""
    by_index: dict[int, dict[str, Any]] = {}
    for name, value in fields.items():
        number, _, field = name.partition(".")
        by_index.setdefault(int(number), {})[field] = value
    count = max([len(plan), *(i + 1 for i in by_index)], default=0)
    waves = []
    for index in range(count):
        wave: dict[str, Any] = {"index": index, "status": "pending"} | by_index.get(index, {})
        if index < len(plan):
            planned = plan[index]
            wave.setdefault("name", planned["name"])
            wave["planned_hosts"] = [h for step in planned["steps"] for h in step]
        _ints(wave, _WAVE_INTS)
        for name in _WAVE_FLAGS:
            if name in wave:
                wave[name] = _flag(wave[name])
        waves.append(wave)
    return waves


def region_views(fields: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """Per region: hosts planned and how many were updated, failed, restored."""
    regions: dict[str, dict[str, int]] = {}
    for name, value in fields.items():
        region, _, counter = name.rpartition(".")
        counts = regions.setdefault(region, {"hosts": 0, **dict.fromkeys(_OUTCOMES, 0)})
        counts[counter] = int(value)
    return dict(sorted(regions.items()))


def host_view(fields: Mapping[str, str]) -> dict[str, Any]:
    """A host in a deployment: the orchestrator's outcome and the agent's last step."""
    host: dict[str, Any] = {
        "host_id": fields.get("host_id", ""),
        "region": fields.get("region", ""),
        "wave": fields.get("wave"),
        "outcome": fields.get("outcome", "pending"),
        "outcome_reason": fields.get("outcome_reason", ""),
        "timed_out": _flag(fields.get("timed_out")) or False,
        "outcome_at_ms": fields.get("outcome_at_ms"),
        "version": fields.get("version", ""),
        "last_step": None,
    }
    _ints(host, _HOST_INTS)
    if "step" in fields:
        host["last_step"] = {
            "step": fields["step"],
            "ok": fields.get("step_ok") == "1",
            "detail": fields.get("step_detail", ""),
            "action": fields.get("step_action", ""),
            "attempt": _int_or_none(fields.get("step_attempt")),
            "version": fields.get("step_version", ""),
            "duration_ms": _int_or_none(fields.get("step_duration_ms")),
            "recorded_at": _int_or_none(fields.get("step_at")),
        }
    return host


def deployment_view(
    fields: Mapping[str, str],
    waves: Mapping[str, str],
    approvals: Mapping[str, str],
    regions: Mapping[str, str],
    hosts: Sequence[Mapping[str, str]],
    rejections: Sequence[str],
) -> dict[str, Any] | None:
    """A deployment as the API shows it; None if nothing names it."""
    if "service" not in fields:
        return None
    view: dict[str, Any] = {
        name: value for name, value in fields.items() if name not in _DEPLOYMENT_JSON
    }
    view["status"] = deployment_status(fields)
    for name in _DEPLOYMENT_JSON:
        view[name] = json.loads(fields[name]) if name in fields else None
    _ints(view, _DEPLOYMENT_INTS)
    if "aborted" in view:
        view["aborted"] = _flag(view["aborted"])
    view["seq"] = view.get("seq") or 0
    view["waves"] = wave_views(view["plan"] or [], waves)
    view["approvals"] = sorted(
        (json.loads(a) for a in approvals.values()), key=lambda a: (a["wave"], a["at_ms"])
    )
    view["regions"] = region_views(regions)
    view["hosts"] = sorted(
        (host_view(h) for h in hosts if h), key=lambda h: (h["region"], h["host_id"])
    )
    view["rejections"] = [json.loads(r) for r in rejections]
    return view


def release_view(fields: Mapping[str, str]) -> dict[str, Any] | None:
    """A release as the API shows it; None if nothing names it."""
    if "release_id" not in fields:
        return None
    release: dict[str, Any] = {name: value for name, value in fields.items() if name != "rank"}
    release.setdefault("status", "rejected" if "rejected_reason" in fields else "unknown")
    _ints(release, _RELEASE_INTS)
    return release


def events_with_seq(seq: int, newest_first: Sequence[Any]) -> list[dict[str, Any]]:
    """The kept events oldest first, each with its seq: the one at index i of
    the newest-first list has seq `seq - i`."""
    events = []
    for index, raw in enumerate(newest_first):
        events.append({"seq": seq - index, **json.loads(_text(raw))})
    events.reverse()
    return events


def first_of_each(ids: Sequence[Any]) -> list[str]:
    """Ids in list order, each once (its first, newest place)."""
    seen: dict[str, None] = {}
    for raw in ids:
        seen.setdefault(_text(raw), None)
    return list(seen)


class DeployReadModel(NamespacedReads):
    """Reads one namespace's deploy models. The client is opened by the caller."""

    def deployment_channel(self, deployment_id: str) -> str:
        """The pub/sub channel of one deployment's facts: JSON messages with
        "seq" (the deployment's count of facts: a gap means a missed message,
        `events` fills it), "type", "service", "deployment_id", "recorded_at"
        and "event" (the fact's fields)."""
        return live_channel(self.namespace, deployment_id=deployment_id)

    def service_channel(self, service: str) -> str:
        """The pub/sub channel of every fact of a service, "seq" numbering them."""
        return live_channel(self.namespace, service=service)

    async def deployment(self, deployment_id: str) -> dict[str, Any] | None:
        """Status, release, versions, deployer, approvals, waves, regions and
        hosts (each with its last step); None if no record named it yet."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._key(keys.deployment(deployment_id)))
            pipe.hgetall(self._key(keys.waves(deployment_id)))
            pipe.hgetall(self._key(keys.approvals(deployment_id)))
            pipe.hgetall(self._key(keys.regions(deployment_id)))
            pipe.smembers(self._key(keys.hosts(deployment_id)))
            pipe.lrange(self._key(keys.rejections(deployment_id)), 0, -1)
            fields, waves, approvals, regions, host_ids, rejections = await pipe.execute()
        if not fields:
            return None
        hosts: list[dict[str, str]] = []
        ids = sorted(_text(h) for h in host_ids)
        if ids:
            async with self._redis.pipeline(transaction=True) as pipe:
                for host_id in ids:
                    pipe.hgetall(self._key(keys.host(deployment_id, host_id)))
                hosts = [_hash(raw) for raw in await pipe.execute()]
        return deployment_view(
            _hash(fields),
            _hash(waves),
            _hash(approvals),
            _hash(regions),
            hosts,
            [_text(r) for r in rejections],
        )

    async def deployment_service(self, deployment_id: str) -> str | None:
        """The service a deployment belongs to (what the gateway checks a key
        against); None if no record named it yet."""
        value = await self._redis.hget(self._key(keys.deployment(deployment_id)), "service")
        return None if value is None else _text(value)

    async def events(self, deployment_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
        """The deployment's facts with seq > after_seq, oldest first, each as
        its live message (a Last-Event-ID resume); the oldest are dropped past
        keys.EVENTS_KEPT."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hget(self._key(keys.deployment(deployment_id)), "seq")
            pipe.lrange(self._key(keys.events(deployment_id)), 0, -1)
            seq_raw, raw = await pipe.execute()
        seq = int(seq_raw) if seq_raw is not None else 0
        newest_first = raw[: max(seq - after_seq, 0)]
        return events_with_seq(seq, newest_first)

    async def deployments(self, service: str, limit: int = 50) -> list[dict[str, Any]]:
        """The service's latest deployments, newest first by when each was
        queued or started (a started one that had been queued counts at its
        start); at most keys.LATEST_KEPT entries are kept."""
        if limit <= 0:
            return []
        raw = await self._redis.lrange(self._key(keys.latest(service)), 0, -1)
        summaries: list[dict[str, Any]] = []
        ids = first_of_each(raw)[:limit]
        if ids:
            async with self._redis.pipeline(transaction=True) as pipe:
                for deployment_id in ids:
                    pipe.hgetall(self._key(keys.deployment(deployment_id)))
                for fields in await pipe.execute():
                    if fields:
                        summaries.append(deployment_summary(_hash(fields)))
        return summaries

    async def service(self, service: str) -> dict[str, Any] | None:
        """Current version, hosts and regions, the active deployment and the
        queued ones; None if the service was never seen."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sismember(self._key(keys.SERVICES), service)
            pipe.hgetall(self._key(keys.service(service)))
            pipe.smembers(self._key(keys.queued(service)))
            pipe.lrange(self._key(keys.service_rejections(service)), 0, -1)
            known, fields_raw, queued, rejections = await pipe.execute()
        if not known:
            return None
        return service_view(
            service,
            _hash(fields_raw),
            sorted(_text(q) for q in queued),
            [_text(r) for r in rejections],
        )

    async def services(self) -> list[str]:
        return sorted(_text(s) for s in await self._redis.smembers(self._key(keys.SERVICES)))

    async def releases(self, service: str, limit: int = 50) -> list[dict[str, Any]]:
        """The service's releases, newest first (release ids are ULIDs)."""
        if limit <= 0:
            return []
        raw = await self._redis.smembers(self._key(keys.releases(service)))
        ids = sorted((_text(r) for r in raw), reverse=True)[:limit]
        found: list[dict[str, Any]] = []
        if ids:
            async with self._redis.pipeline(transaction=True) as pipe:
                for release_id in ids:
                    pipe.hgetall(self._key(keys.release(release_id)))
                for fields in await pipe.execute():
                    release = release_view(_hash(fields))
                    if release is not None:
                        found.append(release)
        return found

    async def release(self, release_id: str) -> dict[str, Any] | None:
        """One release: identity, artifact, build outcome, status; None if unknown."""
        return release_view(_hash(await self._redis.hgetall(self._key(keys.release(release_id)))))


def deployment_summary(fields: Mapping[str, str]) -> dict[str, Any]:
    """A deployment as a history line."""
    summary: dict[str, Any] = {
        name: fields.get(name)
        for name in (
            "deployment_id",
            "service",
            "release_id",
            "version",
            "previous_version",
            "deployer",
            "started_at_ms",
            "ended_at_ms",
            "end_reason",
        )
    }
    summary["status"] = deployment_status(fields)
    _ints(summary, ("started_at_ms", "ended_at_ms"))
    return summary


def service_view(
    service: str, fields: Mapping[str, str], queued: list[str], rejections: Sequence[str]
) -> dict[str, Any]:
    """A service as the API shows it."""
    return {
        "service": service,
        "current_version": fields.get("current_version", ""),
        "current_release_id": fields.get("current_release_id", ""),
        "current_deployment_id": fields.get("current_deployment_id", ""),
        "active_deployment_id": fields.get("active_deployment_id", ""),
        "queued_deployment_ids": queued,
        "hosts": json.loads(fields["hosts"]) if "hosts" in fields else [],
        "regions": json.loads(fields["regions"]) if "regions" in fields else [],
        "seq": int(fields.get("seq", "0")),
        "rejections": [json.loads(r) for r in rejections],
    }


def live_channel(namespace: str, *, deployment_id: str = "", service: str = "") -> str:
    """The absolute pub/sub channel of a deployment's facts, or of a
    service's (give exactly one of the two)."""
    if bool(deployment_id) == bool(service):
        raise ValueError("name a deployment or a service, not both")
    relative = (
        keys.deployment_channel(deployment_id) if deployment_id else keys.service_channel(service)
    )
    return f"{namespace}:{relative}"
