"""Idempotency-Key: a retry replays the first answer and writes nothing new."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest

from gateway.config import GatewayConfig
from infra.settings import Settings
from schemas.envelope import Record
from tests.integration.gateway.conftest import (
    Gateway,
    problem,
    read_record,
    records_after,
    running_gateway,
    unique,
)

pytestmark = pytest.mark.integration


def for_account(account: str):  # type: ignore[no-untyped-def]
    def match(record: Record) -> bool:
        return record.envelope.key == account

    return match


async def test_replay_returns_the_first_answer_and_writes_nothing(gateway: Gateway) -> None:
    account = unique()
    headers = {**gateway.key(), "Idempotency-Key": str(uuid.uuid4())}
    path = f"/v1/exchange/accounts/{account}/deposits"
    first = await gateway.client.post(path, json={"amount": 500}, headers=headers)
    assert first.status_code == 202
    # Same body, other key order and spacing: still the same request.
    again = await gateway.client.post(
        path, content=b'{ "amount" : 500 }',
        headers={**headers, "Content-Type": "application/json"},
    )  # fmt: skip
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    answer = first.json()
    later = records_after(
        gateway.settings, answer["topic"], answer["partition"], answer["offset"],
        for_account(account),
    )  # fmt: skip
    assert later == []


async def test_same_key_other_body_is_409(gateway: Gateway) -> None:
    headers = {**gateway.key(), "Idempotency-Key": "k-" + uuid.uuid4().hex}
    path = f"/v1/exchange/accounts/{unique()}/deposits"
    assert (await gateway.client.post(path, json={"amount": 1}, headers=headers)).status_code == 202
    conflict = await gateway.client.post(path, json={"amount": 2}, headers=headers)
    assert conflict.status_code == 409
    assert problem(conflict)["type"].endswith("idempotency-key-reused")
    other_path = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 1}, headers=headers
    )
    assert other_path.status_code == 409


async def test_idempotency_keys_are_scoped_per_api_key(gateway: Gateway) -> None:
    idem = "shared-" + uuid.uuid4().hex
    path = f"/v1/exchange/accounts/{unique()}/deposits"
    a = await gateway.client.post(
        path, json={"amount": 1}, headers={**gateway.key(), "Idempotency-Key": idem}
    )
    b = await gateway.client.post(
        path, json={"amount": 1}, headers={**gateway.key(), "Idempotency-Key": idem}
    )
    assert a.status_code == b.status_code == 202
    assert a.json()["event_id"] != b.json()["event_id"]


async def test_concurrent_duplicates_write_one_record(gateway: Gateway) -> None:
    account = unique()
    headers = {**gateway.key(), "Idempotency-Key": str(uuid.uuid4())}
    path = f"/v1/exchange/accounts/{account}/deposits"
    responses = await asyncio.gather(
        *(gateway.client.post(path, json={"amount": 9}, headers=headers) for _ in range(5))
    )
    accepted = [r for r in responses if r.status_code == 202]
    assert accepted, [r.text for r in responses]
    for r in responses:
        assert r.status_code in (202, 409), r.text
        if r.status_code == 409:
            assert r.headers["retry-after"] == "1"
    assert len({r.json()["event_id"] for r in accepted}) == 1
    first = accepted[0].json()
    later = records_after(
        gateway.settings, first["topic"], first["partition"], first["offset"],
        for_account(account),
    )  # fmt: skip
    assert later == []


async def test_retry_after_a_503_reuses_the_event_and_order_ids(
    gateway: Gateway, dead_kafka: Settings
) -> None:
    """If the unacknowledged record did land after all, processors see the
    retry as the same command (same event id) and drop it."""
    headers = {**gateway.key(), "Idempotency-Key": str(uuid.uuid4())}
    account = unique()
    body = {
        "account_id": account, "client_order_id": "c-9", "symbol": "ACME", "side": "buy",
        "type": "limit", "quantity": 1, "price": 10,
    }  # fmt: skip
    dead = replace(dead_kafka, namespace=gateway.settings.namespace,
                   api_keys_file=gateway.keys_file)  # fmt: skip
    async with running_gateway(dead, GatewayConfig(delivery_timeout_ms=1000)) as broken:
        refused = await broken.post("/v1/exchange/orders", json=body, headers=headers)
    assert refused.status_code == 503
    refused_body = problem(refused)
    retried = await gateway.client.post("/v1/exchange/orders", json=body, headers=headers)
    assert retried.status_code == 202, retried.text
    answer = retried.json()
    assert answer["event_id"] == refused_body["event_id"]
    assert answer["order_id"] == refused_body["order_id"]
    _, record = read_record(
        gateway.settings, answer["topic"], answer["partition"], answer["offset"]
    )
    assert record.envelope.event_id == answer["event_id"]
