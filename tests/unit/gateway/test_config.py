"""The gateway's delivery timeout: short on one broker, long enough for failover on three."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.config import load_gateway_config
from infra.settings import load_settings


def test_one_broker_gives_up_after_three_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONELOG_GATEWAY_DELIVERY_TIMEOUT_MS", raising=False)
    settings = dataclasses.replace(load_settings(), kafka_brokers=1)
    assert load_gateway_config(settings).delivery_timeout_ms == 3000


def test_three_brokers_wait_out_a_leader_election(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONELOG_GATEWAY_DELIVERY_TIMEOUT_MS", raising=False)
    settings = dataclasses.replace(load_settings(), kafka_brokers=3)
    assert load_gateway_config(settings).delivery_timeout_ms == 15000


def test_an_explicit_timeout_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONELOG_GATEWAY_DELIVERY_TIMEOUT_MS", "5000")
    settings = dataclasses.replace(load_settings(), kafka_brokers=3)
    assert load_gateway_config(settings).delivery_timeout_ms == 5000
