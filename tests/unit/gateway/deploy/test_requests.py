"""The deployment system's request bodies: a 422 naming the field at fault,
records the orchestrator accepts, Last-Event-ID and progress gaps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gateway.app import create_app
from gateway.command import Command
from gateway.deploy import commands as dc
from gateway.deploy.progress import last_event_id, missed
from gateway.deploy.requests import UploadedRelease, region_names
from gateway.deploy.upload import check_artifact
from gateway.problems import Problem
from gateway.writes import validate
from infra.settings import load_settings
from schemas.deploy import records as dr
from schemas.deploy.records import Artifact
from streams.sealing import build_record

DEPLOYMENT_ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"
REGION = region_names()[0]
BUILD = {"service": "hello", "version": "1.0.0", "repo": "/srv/hello.git", "commit": "abc1234"}
START = {"service": "hello", "release_id": "hello-good"}


def refused_fields(command: Command, body: dict[str, Any], path: dict[str, Any]) -> list[str]:
    with pytest.raises(Problem) as caught:
        validate(command, body, path, path_in_body=False)
    assert caught.value.status == 422
    return [error["field"] for error in caught.value.errors]


def record_of(command: Command, body: dict[str, Any], path: dict[str, Any]) -> Any:
    """The wire record the route would write, with what the gateway resolves."""
    request, path_model = validate(command, body, path, path_in_body=False)
    ids = {name: DEPLOYMENT_ID for name in command.assigns}
    payload = {**command.payload(request, path_model, ids), "actor": "key-1"}
    if command.name in dc.ON_A_DEPLOYMENT:
        payload["service"] = "hello"
    return build_record(
        command.record, payload, event_id=DEPLOYMENT_ID, key="hello", producer="key-1",
        correlation_id=None, occurred_at=None, recorded_at=1,
    )  # fmt: skip


def test_every_command_makes_a_record_of_its_wire_type() -> None:
    cases: list[tuple[Command, dict[str, Any], dict[str, Any]]] = [
        (dc.BUILD, BUILD, {}),
        (dc.START, START, {}),
        (dc.START, {**START, "strategy": {"rollout": "all_at_once", "max_unavailable": 3,
                                          "region_order": [REGION], "bake_ms": 5.0}}, {}),
        (dc.APPROVE_WAVE, {"wave": 1}, {"deployment_id": DEPLOYMENT_ID}),
        (dc.PAUSE, {}, {"deployment_id": DEPLOYMENT_ID}),
        (dc.ROLLBACK, {}, {"deployment_id": DEPLOYMENT_ID}),
        (dc.SET_HOSTS, {"hosts": [{"region": REGION, "host_id": "h-1"}]}, {"service": "hello"}),
        (dc.REGISTER_HOST, {"region": REGION, "host_id": "h-2"}, {"service": "hello"}),
        (dc.RETIRE_HOST, {}, {"service": "hello", "host_id": "h-2"}),
    ]  # fmt: skip
    for command, body, path in cases:
        record = record_of(command, body, path)
        assert isinstance(record, command.record)
        assert getattr(record, "service") == "hello"  # noqa: B009
        assert getattr(record, "actor") == "key-1"  # noqa: B009
    started = record_of(dc.START, {**START, "strategy": {"bake_ms": 5.0}}, {})
    assert started.strategy.bake_ms == 5
    assert started.deployment_id == DEPLOYMENT_ID


def test_an_upload_makes_a_create_release() -> None:
    artifact = Artifact(digest="a" * 64, signature="b" * 128, size_bytes=3)
    request = UploadedRelease(service="hello", version="2.0.0", artifact=artifact)
    payload = {**dc.UPLOAD.payload(request, None, {"release_id": DEPLOYMENT_ID}), "actor": "k"}
    record = build_record(
        dc.UPLOAD.record, payload, event_id=DEPLOYMENT_ID, key="hello", producer="k",
        correlation_id=None, occurred_at=None, recorded_at=1,
    )  # fmt: skip
    assert isinstance(record, dr.CreateRelease)
    assert record.source == "upload"
    assert record.artifact == artifact


@pytest.mark.parametrize(
    ("command", "body", "path", "fields"),
    [
        (dc.BUILD, {**BUILD, "service": "Hello World"}, {}, ["service"]),
        (dc.BUILD, {**BUILD, "commit": "main"}, {}, ["commit"]),
        (dc.BUILD, {**BUILD, "version": "../x"}, {}, ["version"]),
        (dc.BUILD, {**BUILD, "actor": "someone-else"}, {}, ["actor"]),
        (dc.START, {"service": "hello"}, {}, ["release_id"]),
        (dc.START, {**START, "strategy": {"max_unavailable": 0}}, {}, ["strategy.max_unavailable"]),
        (dc.START, {**START, "strategy": {"rollout": "sideways"}}, {}, ["strategy.rollout"]),
        (dc.START, {**START, "strategy": {"region_order": ["mars"]}}, {},
         ["strategy.region_order.0"]),
        (dc.START, {**START, "strategy": {"region_order": [REGION, REGION]}}, {},
         ["strategy.region_order"]),
        (dc.START, {**START, "strategy": {"canary": "yes"}}, {}, ["strategy.canary"]),
        (dc.APPROVE_WAVE, {"wave": -1}, {"deployment_id": DEPLOYMENT_ID}, ["wave"]),
        (dc.APPROVE_WAVE, {"wave": "1"}, {"deployment_id": DEPLOYMENT_ID}, ["wave"]),
        (dc.PAUSE, {}, {"deployment_id": "not-a-ulid"}, ["deployment_id"]),
        (dc.PAUSE, {"service": "hello"}, {"deployment_id": DEPLOYMENT_ID}, ["service"]),
        (dc.SET_HOSTS, {"hosts": [{"region": "mars", "host_id": "h"}]}, {"service": "hello"},
         ["hosts.0.region"]),
        (dc.SET_HOSTS, {"hosts": [{"region": REGION, "host_id": "h"}] * 2}, {"service": "hello"},
         ["hosts"]),
        (dc.REGISTER_HOST, {"region": REGION}, {"service": "hello"}, ["host_id"]),
        (dc.RETIRE_HOST, {}, {"service": "hello", "host_id": "h/1"}, ["host_id"]),
    ],
)  # fmt: skip
def test_a_bad_body_is_a_422_naming_the_field(
    command: Command, body: dict[str, Any], path: dict[str, Any], fields: list[str]
) -> None:
    assert refused_fields(command, body, path) == fields


def test_an_upload_must_be_gzip() -> None:
    check_artifact(b"\x1f\x8b\x08rest")
    for data in (b"", b"PK\x03\x04"):
        with pytest.raises(Problem) as caught:
            check_artifact(data)
        assert caught.value.status == 422


def test_last_event_id_is_a_whole_number_or_absent() -> None:
    assert last_event_id(None) is None
    assert last_event_id("") is None
    assert last_event_id("42") == 42
    for bad in ("-1", "4.2", "x", "١٢"):
        with pytest.raises(Problem) as caught:
            last_event_id(bad)
        assert caught.value.status == 400


def test_missed_events_fill_the_gap_or_say_they_cannot() -> None:
    kept = [{"seq": 5}, {"seq": 3}, {"seq": 4}]
    assert missed(kept, 2) == [{"seq": 3}, {"seq": 4}, {"seq": 5}]
    assert missed(kept, 4) == [{"seq": 5}]
    assert missed(kept, 5) == []
    assert missed(kept, 1) is None  # seq 2 is no longer kept: a snapshot instead


def test_the_routes_are_documented(tmp_path: Path) -> None:
    app = create_app(replace(load_settings(), api_keys_file=tmp_path / "keys.json"))
    paths = app.state.openapi["paths"]
    assert set(paths["/v1/deploy/services/{service}/hosts"]) == {"put", "post"}
    upload = paths["/v1/deploy/releases/upload"]["post"]
    assert "application/octet-stream" in upload["requestBody"]["content"]
    assert {p["name"] for p in upload["parameters"]} >= {"service", "version", "Idempotency-Key"}
    region = app.state.openapi["components"]["schemas"]["HostRequest"]["properties"]["region"]
    assert region["enum"] == list(region_names())
    assert "get" in paths["/v1/deploy/deployments/{deployment_id}/events"]
