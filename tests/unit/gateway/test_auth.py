"""API keys: hashed at rest, verified in constant time, scoped."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from starlette.requests import Request

from gateway.auth import (
    SCOPES,
    ApiKeyStore,
    authenticate,
    create_api_key,
    hash_secret,
    revoke_api_key,
)
from gateway.exchange.principal import ACCOUNT
from gateway.judge.principal import LEARNER
from gateway.problems import Problem


def request_with(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


def test_hash_is_sha256_of_the_secret() -> None:
    assert hash_secret("s3cret") == hashlib.sha256(b"s3cret").hexdigest()


def test_key_file_holds_the_hash_never_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    full = create_api_key(path, "trader-1", ["exchange:write"])
    key_id, secret = full.split(".", 1)
    assert key_id == "trader-1" and len(secret) >= 40
    text = path.read_text()
    assert secret not in text
    entry = json.loads(text)["keys"]["trader-1"]
    assert entry["sha256"] == hash_secret(secret)
    assert entry["scopes"] == ["exchange:write"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_each_key_gets_its_own_secret(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    a = create_api_key(path, "a", ["exchange:read"])
    b = create_api_key(path, "b", ["exchange:read"])
    assert a.split(".")[1] != b.split(".")[1]


def test_verify_accepts_the_key_and_refuses_near_misses(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    full = create_api_key(path, "trader-1", ["exchange:read"], rate_per_minute=60, burst=5)
    store = ApiKeyStore(path)
    key = store.verify(full)
    assert key is not None and key.key_id == "trader-1"
    assert key.rate_limit is not None and key.rate_limit.per_minute == 60
    assert key.rate_limit.burst == 5
    for wrong in (full + "x", full[:-1], "trader-2." + full.split(".")[1], "trader-1", "", "."):
        assert store.verify(wrong) is None


def test_store_sees_keys_created_after_it_started(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    store = ApiKeyStore(path)
    assert store.verify("late.secret") is None
    full = create_api_key(path, "late", ["exchange:read"])
    assert store.verify(full) is not None
    revoke_api_key(path, "late")
    assert store.verify(full) is None


@pytest.mark.parametrize(
    "bad",
    [("key id", ["exchange:read"]), ("ok", ["exchange:everything"]), ("a.b", ["exchange:read"])],
)
def test_create_refuses_bad_ids_and_scopes(tmp_path: Path, bad: tuple[str, list[str]]) -> None:
    with pytest.raises(ValueError):
        create_api_key(tmp_path / "keys.json", bad[0], bad[1])


def test_authenticate_maps_to_401_and_403(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    full = create_api_key(path, "reader", ["exchange:read"])
    store = ApiKeyStore(path)
    assert authenticate(request_with({"Authorization": f"Bearer {full}"}), store, "exchange:read")
    assert authenticate(request_with({"X-API-Key": full}), store, "exchange:read")
    cases = [
        ({}, 401),
        ({"Authorization": f"Basic {full}"}, 401),
        ({"Authorization": "Bearer reader.wrong"}, 401),
        ({"Authorization": f"Bearer {full}"}, 403),
    ]
    for headers, status in cases:
        with pytest.raises(Problem) as caught:
            authenticate(request_with(headers), store, "exchange:write")
        assert caught.value.status == status
        assert full.split(".")[1] not in caught.value.detail


def test_a_key_records_its_principal(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    trader = create_api_key(
        path, "trader", ["exchange:write"], principals={ACCOUNT.kind: ["acct-2", "acct-1"]}
    )
    learner = create_api_key(path, "learner", ["judge:write"], principals={LEARNER.kind: "ada"})
    entries = json.loads(path.read_text())["keys"]
    assert entries["trader"]["accounts"] == ["acct-1", "acct-2"]
    assert entries["learner"]["learner"] == "ada"
    store = ApiKeyStore(path)
    trader_key, learner_key = store.verify(trader), store.verify(learner)
    assert trader_key is not None and ACCOUNT.granted(trader_key) == {"acct-1", "acct-2"}
    assert LEARNER.granted(trader_key) == frozenset()
    assert learner_key is not None and LEARNER.granted(learner_key) == {"ada"}
    assert ACCOUNT.granted(learner_key) == frozenset()


def test_a_key_from_before_principals_loads_acting_for_no_one(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    entry = {"sha256": hash_secret("s3cret"), "scopes": ["exchange:read", "exchange:write"]}
    path.write_text(json.dumps({"keys": {"old": entry}}))
    key = ApiKeyStore(path).verify("old.s3cret")
    assert key is not None and key.scopes == {"exchange:read", "exchange:write"}
    assert (ACCOUNT.granted(key), LEARNER.granted(key)) == (frozenset(), frozenset())


@pytest.mark.parametrize(
    "principal", [{"account": ["a b"]}, {"account": [""]}, {"learner": "ada\n"}, {"learner": ""}]
)
def test_create_refuses_bad_principal_ids(tmp_path: Path, principal: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        create_api_key(tmp_path / "keys.json", "k", ["exchange:read"], principals=principal)  # type: ignore[arg-type]


def test_operator_scopes_are_known() -> None:
    assert {"exchange:operator", "judge:operator"} <= set(SCOPES)
