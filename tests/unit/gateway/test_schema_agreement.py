"""/openapi.json and the gateway agree on every body: the document's schema
(judged by jsonschema-rs, as schemathesis judges it) accepts exactly what the
gateway's validation accepts, conditional rules included."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from gateway.app import create_app
from gateway.command import Command
from gateway.exchange.commands import BY_NAME
from gateway.judge import commands as judge_commands
from gateway.problems import Problem
from gateway.writes import validate
from infra.settings import load_settings
from tests.unit.gateway.exchange.test_requests import LIMIT_BUY
from tests.unit.gateway.judge.test_requests import PROBLEM, SUBMIT

PLACE = BY_NAME["place_order"]
PUBLISH = judge_commands.PUBLISH
MARKET_BUY = {**LIMIT_BUY, "type": "market", "price": None, "cash_limit": 5000}
MARKET_SELL = {**LIMIT_BUY, "side": "sell", "type": "market", "price": None}
FUNCTION = {"name": "add", "params": ["a", "b"]}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    keys = tmp_path_factory.mktemp("keys") / "k.json"
    return dict(create_app(replace(load_settings(), api_keys_file=Path(keys))).state.openapi)


def schema_accepts(document: dict[str, Any], command: Command, body: dict[str, Any]) -> bool:
    operation = next(
        methods[command.method.lower()]
        for path, methods in document["paths"].items()
        if path.endswith(command.path) and command.method.lower() in methods
    )
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**body_schema, "components": document["components"]})
    return bool(validator.is_valid(body))


def gateway_accepts(command: Command, body: dict[str, Any]) -> bool:
    try:
        validate(command, body, {}, path_in_body=False)
    except Problem as problem:
        assert problem.status == 422
        return False
    return True


@pytest.mark.parametrize(
    ("command", "body", "valid"),
    [
        (PLACE, LIMIT_BUY, True),
        (PLACE, {**LIMIT_BUY, "price": None}, False),
        (PLACE, {k: v for k, v in LIMIT_BUY.items() if k != "price"}, False),
        (PLACE, {**LIMIT_BUY, "cash_limit": 5}, False),
        (PLACE, MARKET_BUY, True),
        (PLACE, {**MARKET_BUY, "price": 1250}, False),
        (PLACE, {**MARKET_BUY, "cash_limit": None}, False),
        (PLACE, MARKET_SELL, True),
        (PLACE, {**MARKET_SELL, "cash_limit": 5}, False),
        (PLACE, {**MARKET_SELL, "price": 1250}, False),
        (PLACE, {**LIMIT_BUY, "type": "stop"}, False),
        (PLACE, {**LIMIT_BUY, "occurred_at": 1.0, "quantity": 10.0}, True),
        (PLACE, {**LIMIT_BUY, "quantity": 10.5}, False),
        (PLACE, {**LIMIT_BUY, "quantity": 2**53}, False),
        (PLACE, {**LIMIT_BUY, "client_order_id": "c\u00851"}, False),
        (PLACE, {**LIMIT_BUY, "client_order_id": "caf\u00e9 \U0001f600"}, True),
        (PUBLISH, PROBLEM, True),
        (PUBLISH, {**PROBLEM, "function": FUNCTION}, False),
        (PUBLISH, {**PROBLEM, "kind": "function", "function": FUNCTION}, True),
        (PUBLISH, {**PROBLEM, "kind": "function"}, False),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "float", "float_digits": 6}}, True),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "float"}}, False),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "exact", "float_digits": 6}}, False),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "custom", "language": "python"}}, False),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "custom", "language": "intercal", "source": "x"}},
         False),
        (PUBLISH, {**PROBLEM, "checker": {"kind": "custom", "language": "python", "source": "x"}},
         True),
        (PUBLISH, {**PROBLEM, "starter": [{"language": "python", "source": "a"},
                                          {"language": "python", "source": "b"}]}, False),
        (PUBLISH, {**PROBLEM, "starter": [{"language": "python", "source": "a"},
                                          {"language": "cpp", "source": "b"}]}, True),
        (PUBLISH, {**PROBLEM, "time_limit_ms": 2000.0}, True),
        (judge_commands.SUBMIT, SUBMIT, True),
        (judge_commands.SUBMIT, {**SUBMIT, "language": "intercal"}, False),
    ],
)  # fmt: skip
def test_the_document_accepts_what_the_gateway_accepts(
    document: dict[str, Any], command: Command, body: dict[str, Any], valid: bool
) -> None:
    assert (schema_accepts(document, command, body), gateway_accepts(command, body)) == (
        valid,
        valid,
    )
