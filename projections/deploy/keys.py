"""The deployment system's Redis key layout, shared by the writer and the reader.

Keys are relative to the namespace: the sink and the reader add `<ns>:`.

    deploy:services                         set of services seen
    deploy:service:<service>                hash: current_version, current_release_id,
                                            current_deployment_id, active_deployment_id,
                                            hosts (JSON [{region, host_id}]), regions
                                            (JSON, sorted), seq (facts announced on
                                            the service's channel)
    deploy:service:<service>:queued         set of queued deployment ids
    deploy:service:<service>:latest         list of deployment ids, newest first,
                                            capped: pushed when one is queued or
                                            starts (an id may appear twice: the
                                            reader keeps its first)
    deploy:service:<service>:releases       set of release ids (ULIDs: sortable)
    deploy:service:<service>:facts          set of event ids of the service's
                                            facts that name no deployment (a fact
                                            written twice counts once)
    deploy:service:<service>:rejections     list of CommandRejected JSON naming no
                                            deployment nor release, newest first
    deploy:release:<release_id>             hash: the release (version, source,
                                            repo, commit, digest, signature, ...),
                                            status (requested < building < built |
                                            build_failed < created, ranked), build
                                            reason, the latest refusal naming it
    deploy:deployment:<id>                  hash: service, release, version, previous
                                            version, deployer, strategy and plan
                                            (JSON), status, timestamps, end reason,
                                            seq (its facts so far)
    deploy:deployment:<id>:facts            set of event ids applied (dedupe)
    deploy:deployment:<id>:events           list of the deployment's facts as JSON,
                                            newest first, capped: the one at index
                                            i has seq = the hash's seq - i
    deploy:deployment:<id>:waves            hash "<wave>.<field>" -> value
    deploy:deployment:<id>:approvals        hash wave -> JSON {actor, at_ms}
    deploy:deployment:<id>:regions          hash "<region>.<outcome>" -> count of
                                            HostUpdated / HostFailed / HostRestored
    deploy:deployment:<id>:hosts            set of host ids touched
    deploy:deployment:<id>:host:<host_id>   hash: region; the last step reported
                                            (latest by recorded_at, event id) and
                                            the orchestrator's outcome
    deploy:deployment:<id>:rejections       list of CommandRejected JSON, newest first
    channel deploy:live:deployment:<id>     pub/sub: one JSON message per fact of
    channel deploy:live:service:<service>   the deployment / the service, with
                                            "seq" (see live_message in redis.py)
"""

from __future__ import annotations

SERVICES = "deploy:services"
LATEST_KEPT = 200
EVENTS_KEPT = 5000
REJECTIONS_KEPT = 100
# Every key above is projected (channels are no keys): the read model verify compares.
READ_MODEL: tuple[str, ...] = ("deploy:",)


def service(name: str) -> str:
    return f"deploy:service:{name}"


def queued(name: str) -> str:
    return f"deploy:service:{name}:queued"


def latest(name: str) -> str:
    return f"deploy:service:{name}:latest"


def releases(name: str) -> str:
    return f"deploy:service:{name}:releases"


def service_facts(name: str) -> str:
    return f"deploy:service:{name}:facts"


def service_rejections(name: str) -> str:
    return f"deploy:service:{name}:rejections"


def release(release_id: str) -> str:
    return f"deploy:release:{release_id}"


def deployment(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}"


def deployment_facts(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:facts"


def events(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:events"


def waves(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:waves"


def approvals(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:approvals"


def regions(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:regions"


def hosts(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:hosts"


def host(deployment_id: str, host_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:host:{host_id}"


def rejections(deployment_id: str) -> str:
    return f"deploy:deployment:{deployment_id}:rejections"


def deployment_channel(deployment_id: str) -> str:
    return f"deploy:live:deployment:{deployment_id}"


def service_channel(name: str) -> str:
    return f"deploy:live:service:{name}"
