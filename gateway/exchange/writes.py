"""The exchange's write routes: the shared write path (gateway/writes.py), a
cancel's account_id taken from the query too, and a cancel authorized by the
order's account."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command, owned
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.exchange.principal import ACCOUNT
from gateway.exchange.read_model import exchange_read_model
from gateway.json_body import check_media_type, parse_object
from gateway.operation import Endpoint
from gateway.problems import Problem
from gateway.services import Services
from gateway.writes import validate, write_command


async def authorize(
    services: Services,
    key: ApiKey,
    command: Command,
    request_model: Any,
    path_model: BaseModel | None,
    *,
    path_in_body: bool,
) -> None:
    """Return if `key` acts for the principals the command names and, for a
    command on an order (a cancel), for the order's account; else 403.

    An order the read model does not know yet is left to risk, which refuses
    a cancel naming an order that is not the account's own.
    """
    acts_for_command(key, command, request_model, path_model, path_in_body=path_in_body)
    order_id = getattr(path_model, "order_id", None)
    if order_id is not None:
        order = await exchange_read_model(services).order(order_id)
        owned(key, ACCOUNT, "order", order, where="body" if path_in_body else "path")


def _merge_query(command: Command, body: dict[str, Any], request: Request) -> dict[str, Any]:
    # DELETE bodies are often dropped by clients and proxies, so cancel also
    # takes account_id from the query; both given must agree.
    if command.name != "cancel_order" or "account_id" not in request.query_params:
        return body
    from_query = request.query_params["account_id"]
    if "account_id" in body and body["account_id"] != from_query:
        raise Problem(
            422,
            "validation",
            "account_id differs between body and query",
            errors=[{"pointer": "#/account_id", "field": "account_id",
                     "detail": "differs from the account_id query parameter"}],
        )  # fmt: skip
    return {**body, "account_id": from_query}


def command_endpoint(command: Command) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        services: Services = request.state.services
        key = authenticate(request, services.api_keys, command.scope)
        check_media_type(request.headers.get("content-type"))
        body = _merge_query(command, parse_object(await request.body(), empty_is={}), request)
        request_model, path_model = validate(command, body, request.path_params, path_in_body=False)
        await authorize(services, key, command, request_model, path_model, path_in_body=False)
        return await write_command(request, services, key, command, body, request_model, path_model)

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
