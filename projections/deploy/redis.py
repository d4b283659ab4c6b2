"""The deployment system's live read models: each record becomes Redis writes (pure).

Five topics feed them, and only the records of one partition of one topic
come in a fixed order, so each key is written so that the result does not
depend on which topic the projector (or a replay worker) reads first:

- a deployment's status, waves, approvals, per-region counts, each host's
  outcome and its event list are written from deploy.facts alone: one
  partition per service, so in the orchestrator's order. Each fact naming
  a deployment first passes `guard_once` on its event id (a fact written
  twice at two offsets counts once), then moves the deployment's and the
  service's `seq`, which number the live messages;
- what commands and builds say of a deployment or a release (who asked,
  the artifact, the commit) are the same values the facts carry, so plain
  sets commute; a release's status only moves forward by rank
  (requested | building < built | build_failed < created, `hset_ranked`);
- a host's last step comes from deploy.host-steps and is kept by the
  report's place in the host's story (`hset_latest` on `step_order`: the
  instruction's attempt, then the step's place in an install or a restore):
  a report read late or written twice never hides a later one. Not by
  recorded_at: an agent's reports carry the time of the instruction they
  answer, so all steps of one attempt tie. The orchestrator's outcome for
  the host (updated, failed, restored) lives in other fields of the hash;
- set members (services, releases, hosts touched) commute.

Live progress: each fact of a deployment is published on the deployment's
channel and on the service's (`live_message`), with `seq` filled in by the
sink from the counter the same record moved (`publish_seq`); the
deployment's events list keeps the same messages for a reader that resumes
from a Last-Event-ID. Instructions and clock ticks make no writes.

The writes vocabulary: projections/redis_sink.py. Keys: keys.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from projections.deploy import keys
from projections.json_text import compact_json
from projections.redis_sink import Write
from schemas import deploy as dp
from schemas.envelope import Record

# A release's status by rank: a later stage never goes back.
REQUESTED, BUILT, CREATED = 1, 2, 3

Value = dict[str, Any]
Handler = Callable[[Value, bool], list[Write]]


def redis_writes(record: Record, announce: bool = True) -> list[Write]:
    """The writes one deploy record makes; [] for records with no live model."""
    return writes_of(type(record), record.model_dump(), announce)


def writes_of(model: type[Record], value: Value, announce: bool = True) -> list[Write]:
    """The writes of a decoded record of type `model`. `announce=False` leaves
    out the pub/sub messages (a rebuild has no one listening; the counters
    they carry are written either way)."""
    handler = _HANDLERS.get(model)
    return handler(value, announce) if handler else []


def _json(value: Any) -> str:
    return compact_json(value, sort_keys=True)


def _hset(key: str, fields: dict[str, Any]) -> Write:
    write = ["hset", key]
    for name, value in fields.items():
        if value is not None:
            write += [name, _text(value)]
    return write


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return _json(value)
    return str(value)


def _payload(v: Value) -> dict[str, Any]:
    return {name: field for name, field in v.items() if name != "envelope"}


def live_message(type_name: str, v: Value) -> dict[str, Any]:
    """What the live channels say of a fact (the sink adds "seq"): its type,
    service, deployment (if any), when the log recorded it, and its fields."""
    return {
        "type": type_name,
        "service": v["service"],
        "deployment_id": v.get("deployment_id", ""),
        "recorded_at": v["envelope"]["recorded_at"],
        "event": _payload(v),
    }


# --- facts: guarded, counted, announced ----------------------------------------


def _deployment_fact(type_name: str, v: Value, announce: bool, writes: list[Write]) -> list[Write]:
    """A fact about one deployment: once per event id, numbered on the
    deployment and on the service, kept in the deployment's events and
    announced on both channels."""
    deployment_id, service = v["deployment_id"], v["service"]
    message = _json(live_message(type_name, v))
    out: list[Write] = [
        ["guard_once", keys.deployment_facts(deployment_id), v["envelope"]["event_id"]],
        ["sadd", keys.SERVICES, service],
        ["hincrby", keys.deployment(deployment_id), "seq", "1"],
        ["hincrby", keys.service(service), "seq", "1"],
        ["lpush_capped", keys.events(deployment_id), message, str(keys.EVENTS_KEPT)],
        *writes,
    ]
    if announce:
        out += [
            [
                "publish_seq",
                keys.deployment_channel(deployment_id),
                keys.deployment(deployment_id),
                "seq",
                message,
            ],
            ["publish_seq", keys.service_channel(service), keys.service(service), "seq", message],
        ]
    return out


def _service_fact(type_name: str, v: Value, announce: bool, writes: list[Write]) -> list[Write]:
    """A fact about the service as a whole: once per event id, numbered and
    announced on the service's channel."""
    service = v["service"]
    message = _json(live_message(type_name, v))
    out: list[Write] = [
        ["guard_once", keys.service_facts(service), v["envelope"]["event_id"]],
        ["sadd", keys.SERVICES, service],
        ["hincrby", keys.service(service), "seq", "1"],
        *writes,
    ]
    if announce:
        out.append(
            ["publish_seq", keys.service_channel(service), keys.service(service), "seq", message]
        )
    return out


def _status(v: Value, status: str, **fields: Any) -> Write:
    return _hset(keys.deployment(v["deployment_id"]), {"status": status, **fields})


def _release_identity(v: Value, source: str) -> Write:
    fields: dict[str, Any] = {
        "release_id": v["release_id"],
        "service": v["service"],
        "version": v["version"],
        "source": source,
        "repo": v.get("repo"),
        "commit": v.get("commit"),
        "committed_at_ms": v.get("committed_at_ms"),
        "actor": v["actor"],
    }
    artifact = v.get("artifact")
    if artifact is not None:
        fields |= {
            "digest": artifact["digest"],
            "signature": artifact["signature"],
            "size_bytes": artifact["size_bytes"],
        }
    return _hset(keys.release(v["release_id"]), fields)


def _release_status(v: Value, rank: int, status: str) -> Write:
    return ["hset_ranked", keys.release(v["release_id"]), str(rank), "status", status]


def _release_indexed(v: Value) -> list[Write]:
    return [
        ["sadd", keys.SERVICES, v["service"]],
        ["sadd", keys.releases(v["service"]), v["release_id"]],
    ]


def _release_created(v: Value, announce: bool) -> list[Write]:
    writes = [_release_identity(v, v["source"]), _release_status(v, CREATED, "created")]
    return _service_fact("ReleaseCreated", v, announce, writes + _release_indexed(v))


def _hosts_changed(v: Value, announce: bool) -> list[Write]:
    hosts = sorted(v["hosts"], key=lambda h: (h["region"], h["host_id"]))
    regions = sorted({h["region"] for h in hosts})
    fields = {"service": v["service"], "hosts": hosts, "regions": regions}
    return _service_fact("HostsChanged", v, announce, [_hset(keys.service(v["service"]), fields)])


def _identity(v: Value) -> dict[str, Any]:
    return {
        "deployment_id": v["deployment_id"],
        "service": v["service"],
        "release_id": v["release_id"],
        "version": v["version"],
        "deployer": v["actor"],
    }


def _deployment_queued(v: Value, announce: bool) -> list[Write]:
    service, deployment_id = v["service"], v["deployment_id"]
    fields = _identity(v) | {"behind": v["behind"], "queued_at": v["envelope"]["recorded_at"]}
    writes = [
        _status(v, "queued", **fields),
        ["sadd", keys.queued(service), deployment_id],
        ["lpush_capped", keys.latest(service), deployment_id, str(keys.LATEST_KEPT)],
    ]
    return _deployment_fact("DeploymentQueued", v, announce, writes)


def _deployment_started(v: Value, announce: bool) -> list[Write]:
    service, deployment_id = v["service"], v["deployment_id"]
    fields = _identity(v) | {
        "previous_release_id": v["previous_release_id"],
        "previous_version": v["previous_version"],
        "strategy": v["strategy"],
        "plan": v["waves"],
        "committed_at_ms": v.get("committed_at_ms"),
        "started_at_ms": v["started_at_ms"],
    }
    writes: list[Write] = [
        _status(v, "running", **fields),
        ["srem", keys.queued(service), deployment_id],
        ["hset", keys.service(service), "active_deployment_id", deployment_id],
        ["lpush_capped", keys.latest(service), deployment_id, str(keys.LATEST_KEPT)],
    ]
    wave_fields: dict[str, Any] = {}
    region_hosts: dict[str, int] = {}
    for index, wave in enumerate(v["waves"]):
        planned = [host for step in wave["steps"] for host in step]
        wave_fields |= {
            f"{index}.name": wave["name"],
            f"{index}.status": "pending",
            f"{index}.hosts": len(planned),
            f"{index}.is_canary": wave["is_canary"],
            f"{index}.needs_approval": wave["needs_approval"],
        }
        for host in planned:
            region_hosts[host["region"]] = region_hosts.get(host["region"], 0) + 1
            writes += [
                ["sadd", keys.hosts(deployment_id), host["host_id"]],
                _hset(
                    keys.host(deployment_id, host["host_id"]),
                    {
                        "host_id": host["host_id"],
                        "region": host["region"],
                        "wave": index,
                        "outcome": "pending",
                    },
                ),
            ]
    if wave_fields:
        writes.append(_hset(keys.waves(deployment_id), wave_fields))
    if region_hosts:
        counts = {f"{region}.hosts": n for region, n in sorted(region_hosts.items())}
        writes.append(_hset(keys.regions(deployment_id), counts))
    return _deployment_fact("DeploymentStarted", v, announce, writes)


def _wave(v: Value, **fields: Any) -> Write:
    return _hset(keys.waves(v["deployment_id"]), {f"{v['wave']}.{k}": x for k, x in fields.items()})


def _gate_reached(v: Value, announce: bool) -> list[Write]:
    writes = [
        _status(v, "at_gate", gate_wave=v["wave"], status_at_ms=v["at_ms"]),
        _wave(v, status="at_gate", gate_at_ms=v["at_ms"]),
    ]
    return _deployment_fact("GateReached", v, announce, writes)


def _deployment_approved(v: Value, announce: bool) -> list[Write]:
    approval = {"wave": v["wave"], "actor": v["actor"], "at_ms": v["at_ms"]}
    writes = [
        _status(v, "running", status_at_ms=v["at_ms"]),
        ["hset", keys.approvals(v["deployment_id"]), str(v["wave"]), _json(approval)],
        _wave(v, approved_by=v["actor"], approved_at_ms=v["at_ms"]),
    ]
    return _deployment_fact("DeploymentApproved", v, announce, writes)


def _wave_started(v: Value, announce: bool) -> list[Write]:
    writes = [
        _hset(keys.deployment(v["deployment_id"]), {"current_wave": v["wave"]}),
        _wave(v, name=v["name"], status="running", hosts=v["hosts"], started_at_ms=v["at_ms"]),
    ]
    return _deployment_fact("WaveStarted", v, announce, writes)


def _wave_completed(v: Value, announce: bool) -> list[Write]:
    status = "failed" if v["failed_hosts"] else "done"
    writes = [_wave(v, status=status, failed_hosts=v["failed_hosts"], completed_at_ms=v["at_ms"])]
    return _deployment_fact("WaveCompleted", v, announce, writes)


def _host_outcome(v: Value, outcome: str, **fields: Any) -> list[Write]:
    deployment_id, host_id = v["deployment_id"], v["host_id"]
    base = {
        "host_id": host_id,
        "region": v["region"],
        "outcome": outcome,
        "outcome_at_ms": v["at_ms"],
    }
    return [
        ["sadd", keys.hosts(deployment_id), host_id],
        _hset(keys.host(deployment_id, host_id), base | fields),
        ["hincrby", keys.regions(deployment_id), f"{v['region']}.{outcome}", "1"],
    ]


def _host_updated(v: Value, announce: bool) -> list[Write]:
    writes = _host_outcome(v, "updated", version=v["version"], wave=v["wave"], outcome_reason="")
    return _deployment_fact("HostUpdated", v, announce, writes)


def _host_failed(v: Value, announce: bool) -> list[Write]:
    writes = _host_outcome(
        v, "failed", wave=v["wave"], outcome_reason=v["reason"], timed_out=v["timed_out"]
    )
    return _deployment_fact("HostFailed", v, announce, writes)


def _host_restored(v: Value, announce: bool) -> list[Write]:
    writes = _host_outcome(v, "restored", version=v["version"])
    return _deployment_fact("HostRestored", v, announce, writes)


def _deployment_paused(v: Value, announce: bool) -> list[Write]:
    writes = [_status(v, "paused", paused_by=v["actor"], status_at_ms=v["at_ms"])]
    return _deployment_fact("DeploymentPaused", v, announce, writes)


def _deployment_resumed(v: Value, announce: bool) -> list[Write]:
    writes = [_status(v, "running", resumed_by=v["actor"], status_at_ms=v["at_ms"])]
    return _deployment_fact("DeploymentResumed", v, announce, writes)


def _rollback_started(v: Value, announce: bool) -> list[Write]:
    fields = {
        "rollback_reason": v["reason"],
        "rollback_actor": v["actor"],
        "rollback_to_version": v["to_version"],
        "rollback_hosts": v["hosts"],
        "rollback_started_at_ms": v["at_ms"],
        "status_at_ms": v["at_ms"],
    }
    writes = [
        _status(v, "rolling_back", **fields),
        ["hset", keys.service(v["service"]), "active_deployment_id", v["deployment_id"]],
    ]
    return _deployment_fact("RollbackStarted", v, announce, writes)


def _ended(v: Value, status: str, **fields: Any) -> list[Write]:
    service = v["service"]
    return [
        _status(v, status, ended_at_ms=v["at_ms"], status_at_ms=v["at_ms"], **fields),
        ["srem", keys.queued(service), v["deployment_id"]],
        ["hset", keys.service(service), "active_deployment_id", ""],
    ]


def _deployment_succeeded(v: Value, announce: bool) -> list[Write]:
    current = {
        "current_version": v["version"],
        "current_release_id": v["release_id"],
        "current_deployment_id": v["deployment_id"],
    }
    writes = [
        *_ended(v, "succeeded", hosts_updated=v["hosts"]),
        _hset(keys.service(v["service"]), current),
    ]
    return _deployment_fact("DeploymentSucceeded", v, announce, writes)


def _deployment_rolled_back(v: Value, announce: bool) -> list[Write]:
    fields = {
        "end_reason": v["reason"],
        "restored_version": v["restored_version"],
        "aborted": v["aborted"],
    }
    # Every touched host runs the restored version again; which release that
    # was is on the deployment (previous_release_id), not on this fact.
    writes = [
        *_ended(v, "rolled_back", **fields),
        ["hset", keys.service(v["service"]), "current_version", v["restored_version"]],
        ["hdel", keys.service(v["service"]), "current_release_id", "current_deployment_id"],
    ]
    return _deployment_fact("DeploymentRolledBack", v, announce, writes)


def _deployment_dequeued(v: Value, announce: bool) -> list[Write]:
    writes = [
        _status(v, "dequeued", ended_at_ms=v["at_ms"], dequeued_by=v["actor"]),
        ["srem", keys.queued(v["service"]), v["deployment_id"]],
    ]
    return _deployment_fact("DeploymentDequeued", v, announce, writes)


def rejection_json(v: Value) -> dict[str, Any]:
    """A refusal as the read model keeps it."""
    return {
        "command": v["command"],
        "reason": v["reason"],
        "detail": v["detail"],
        "actor": v["actor"],
        "deployment_id": v["deployment_id"],
        "release_id": v["release_id"],
        "at_ms": v["at_ms"],
        "event_id": v["envelope"]["event_id"],
    }


def _command_rejected(v: Value, announce: bool) -> list[Write]:
    rejection = _json(rejection_json(v))
    deployment_id, release_id = v["deployment_id"], v["release_id"]
    refusal = {
        "rejected_command": v["command"],
        "rejected_reason": v["reason"],
        "rejected_detail": v["detail"],
        "rejected_at_ms": v["at_ms"],
    }
    # A refusal naming a deployment the orchestrator does not know is the
    # service's: it must not make a deployment appear.
    if deployment_id and v["reason"] != "unknown_deployment":
        writes: list[Write] = [
            ["lpush_capped", keys.rejections(deployment_id), rejection, str(keys.REJECTIONS_KEPT)]
        ]
        # A refused start is the deployment's end; a refused start that reused
        # an existing id says nothing of the deployment holding it.
        if v["command"] == "StartDeployment" and v["reason"] != "duplicate_deployment":
            identity = {"deployment_id": deployment_id, "service": v["service"]}
            writes.append(_status(v, "rejected", **identity, **refusal))
        return _deployment_fact("CommandRejected", v, announce, writes)
    if release_id:
        writes = [_hset(keys.release(release_id), refusal)]
        if v["reason"] != "duplicate_release":
            writes.append(["sadd", keys.releases(v["service"]), release_id])
        return _service_fact("CommandRejected", v, announce, writes)
    writes = [
        [
            "lpush_capped",
            keys.service_rejections(v["service"]),
            rejection,
            str(keys.REJECTIONS_KEPT),
        ]
    ]
    return _service_fact("CommandRejected", v, announce, writes)


# --- commands and builds: what was asked, before the orchestrator answers -------


def _create_release(v: Value, _announce: bool) -> list[Write]:
    return [
        _release_identity(v, v["source"]),
        _release_status(v, REQUESTED, "requested"),
        *_release_indexed(v),
    ]


def _build_release(v: Value, _announce: bool) -> list[Write]:
    return [
        _release_identity(v, "git"),
        _release_status(v, REQUESTED, "building"),
        *_release_indexed(v),
    ]


def _release_built(v: Value, _announce: bool) -> list[Write]:
    build = {"build_ms": v["build_ms"], "log_excerpt": v["log_excerpt"]}
    return [
        _release_identity(v, "git"),
        _hset(keys.release(v["release_id"]), build),
        _release_status(v, BUILT, "built"),
        *_release_indexed(v),
    ]


def _release_build_failed(v: Value, _announce: bool) -> list[Write]:
    failure = {"build_failure": v["reason"], "log_excerpt": v["log_excerpt"]}
    return [
        _release_identity(v, "git"),
        _hset(keys.release(v["release_id"]), failure),
        _release_status(v, BUILT, "build_failed"),
        *_release_indexed(v),
    ]


def _start_deployment(v: Value, _announce: bool) -> list[Write]:
    fields = {
        "deployment_id": v["deployment_id"],
        "service": v["service"],
        "release_id": v["release_id"],
        "deployer": v["actor"],
        "requested_at": v["envelope"]["recorded_at"],
    }
    return [
        _hset(keys.deployment(v["deployment_id"]), fields),
        ["sadd", keys.SERVICES, v["service"]],
    ]


# --- what region agents did ----------------------------------------------------


# A step's place within one instruction's answer (the records list the steps
# in the order an agent takes them; `failed` ends any of them).
_STEP_PLACE = {step: place for place, step in enumerate(get_args(dp.HostStep))}


def _host_step_reported(v: Value, _announce: bool) -> list[Write]:
    deployment_id, host_id = v["deployment_id"], v["host_id"]
    envelope = v["envelope"]
    step = [
        "hset_latest",
        keys.host(deployment_id, host_id),
        "step_order",
        str(v["attempt"] * len(_STEP_PLACE) + _STEP_PLACE[v["step"]]),
        "step_event_id",
        envelope["event_id"],
        "step_at",
        str(envelope["recorded_at"]),
        "step",
        v["step"],
        "step_ok",
        _text(v["ok"]),
        "step_detail",
        v["detail"],
        "step_action",
        v["action"],
        "step_attempt",
        str(v["attempt"]),
        "step_version",
        v["version"],
        "step_duration_ms",
        str(v["duration_ms"]),
    ]
    return [
        ["sadd", keys.hosts(deployment_id), host_id],
        _hset(keys.host(deployment_id, host_id), {"host_id": host_id, "region": v["region"]}),
        step,
    ]


_HANDLERS: dict[type[Record], Handler] = {
    dp.CreateRelease: _create_release,
    dp.StartDeployment: _start_deployment,
    dp.BuildRelease: _build_release,
    dp.ReleaseBuilt: _release_built,
    dp.ReleaseBuildFailed: _release_build_failed,
    dp.HostStepReported: _host_step_reported,
    dp.ReleaseCreated: _release_created,
    dp.HostsChanged: _hosts_changed,
    dp.DeploymentQueued: _deployment_queued,
    dp.DeploymentStarted: _deployment_started,
    dp.GateReached: _gate_reached,
    dp.DeploymentApproved: _deployment_approved,
    dp.WaveStarted: _wave_started,
    dp.HostUpdated: _host_updated,
    dp.HostFailed: _host_failed,
    dp.WaveCompleted: _wave_completed,
    dp.DeploymentPaused: _deployment_paused,
    dp.DeploymentResumed: _deployment_resumed,
    dp.RollbackStarted: _rollback_started,
    dp.HostRestored: _host_restored,
    dp.DeploymentSucceeded: _deployment_succeeded,
    dp.DeploymentRolledBack: _deployment_rolled_back,
    dp.DeploymentDequeued: _deployment_dequeued,
    dp.CommandRejected: _command_rejected,
}
