"""The exchange's commands as the gateway accepts them (gateway/command.py
`Command`): one entry per command, read by its routes and its NDJSON batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.command import Command
from gateway.exchange import requests as rq
from schemas import exchange as ex
from schemas.exchange.topics import EXCHANGE_ADMIN, EXCHANGE_COMMANDS

WRITE = "exchange:write"
ADMIN = "exchange:admin"
READ = "exchange:read"


def _deposit(req: rq.Deposit, path: rq.AccountPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"account_id": path.account_id, "amount": req.amount}


def _withdrawal(req: rq.Withdrawal, path: rq.AccountPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"account_id": path.account_id, "amount": req.amount}


def _transfer(
    req: rq.ShareTransfer, path: rq.AccountPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "account_id": path.account_id,
        "symbol": req.symbol,
        "quantity": req.quantity,
        "direction": req.direction,
    }


def _place(req: rq.PlaceOrderRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "account_id": req.account_id,
        "order_id": ids["order_id"],
        "client_order_id": req.client_order_id,
        "symbol": req.symbol,
        "side": req.side,
        "order_type": req.type,
        "time_in_force": req.time_in_force,
        "quantity": req.quantity,
        "price": req.price,
        "cash_limit": req.cash_limit,
    }


def _cancel(
    req: rq.CancelOrderRequest, path: rq.OrderPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"account_id": req.account_id, "order_id": path.order_id}


def _list(req: rq.ListInstrumentRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"symbol": req.symbol, "tick_size": req.tick_size, "lot_size": req.lot_size}


def _halt(req: rq.HaltRequest, path: rq.SymbolPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"symbol": path.symbol, "reason": req.reason}


def _resume(req: rq.ResumeRequest, path: rq.SymbolPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"symbol": path.symbol}


COMMANDS: tuple[Command, ...] = (
    Command("deposit", "POST", "/accounts/{account_id}/deposits", "Deposit cash",
            rq.Deposit, rq.AccountPath, ex.DepositCash, EXCHANGE_COMMANDS, WRITE, _deposit),
    Command("withdraw", "POST", "/accounts/{account_id}/withdrawals", "Withdraw cash",
            rq.Withdrawal, rq.AccountPath, ex.WithdrawCash, EXCHANGE_COMMANDS, WRITE, _withdrawal),
    Command("transfer_shares", "POST", "/accounts/{account_id}/share-transfers",
            "Move shares into or out of an account",
            rq.ShareTransfer, rq.AccountPath, ex.TransferShares, EXCHANGE_COMMANDS, WRITE,
            _transfer),
    Command("place_order", "POST", "/orders", "Place an order",
            rq.PlaceOrderRequest, None, ex.PlaceOrder, EXCHANGE_COMMANDS, WRITE, _place,
            assigns=("order_id",)),
    Command("cancel_order", "DELETE", "/orders/{order_id}",
            "Cancel an order (account_id in the body or the query)",
            rq.CancelOrderRequest, rq.OrderPath, ex.CancelOrder, EXCHANGE_COMMANDS, WRITE,
            _cancel),
    Command("list_instrument", "POST", "/instruments", "List an instrument",
            rq.ListInstrumentRequest, None, ex.ListInstrument, EXCHANGE_ADMIN, ADMIN, _list),
    Command("halt", "POST", "/instruments/{symbol}/halt", "Halt trading in a symbol",
            rq.HaltRequest, rq.SymbolPath, ex.HaltSymbol, EXCHANGE_ADMIN, ADMIN, _halt),
    Command("resume", "POST", "/instruments/{symbol}/resume", "Resume trading in a symbol",
            rq.ResumeRequest, rq.SymbolPath, ex.ResumeSymbol, EXCHANGE_ADMIN, ADMIN, _resume),
)  # fmt: skip

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}
