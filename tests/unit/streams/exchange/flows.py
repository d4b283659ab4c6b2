"""Random trader and operator flows for the exchange's property tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from schemas.envelope import Record
from schemas.exchange import (
    CancelOrder,
    DepositCash,
    HaltSymbol,
    ListInstrument,
    PlaceOrder,
    ResumeSymbol,
    TransferShares,
    WithdrawCash,
)

Command = tuple[type[Record], dict[str, Any], str]  # kind, payload, command id

ACCOUNTS = ("alice", "bob", "carol")
# X trades in ticks of 5 cents and lots of 10; Y in 1 and 1; Z is never listed.
INSTRUMENTS = {"X": (5, 10), "Y": (1, 1)}
SYMBOLS = ("X", "X", "Y", "Z")

LISTINGS: list[Command] = [
    (ListInstrument, {"symbol": s, "tick_size": tick, "lot_size": lot}, f"list-{s}")
    for s, (tick, lot) in INSTRUMENTS.items()
]

# Every flow starts with money and shares in every account, so most orders are real.
FUNDING: list[Command] = []
for _account in ACCOUNTS:
    FUNDING.append((DepositCash, {"account_id": _account, "amount": 5_000}, f"fund-{_account}"))
    for _symbol in INSTRUMENTS:
        FUNDING.append((TransferShares, {"account_id": _account, "symbol": _symbol,
                                         "quantity": 100, "direction": "in"},
                        f"fund-{_account}-{_symbol}"))

# Accounts and sides are drawn as offsets from the step's position, so that even
# the plainest draws (all zeros) alternate sides and accounts, and so trade.
_order = st.fixed_dictionaries({
    "op": st.just("place"),
    "account": st.integers(0, 2),
    "symbol": st.sampled_from(SYMBOLS),
    "side": st.integers(0, 1),
    "order_type": st.sampled_from(("limit", "limit", "limit", "market")),
    "tif": st.sampled_from(("GTC", "GTC", "IOC", "FOK")),
    "lots": st.integers(1, 6),
    "ticks": st.integers(18, 22),  # prices around 20 ticks
    "off_tick": st.integers(0, 9),  # 9 puts a limit price off the tick (when tick > 1)
    "cash_limit": st.integers(1, 3000),
    "client": st.integers(0, 30),  # 0: a fresh client order id; else maybe reused
})
_cancel = st.fixed_dictionaries({
    "op": st.just("cancel"),
    "account": st.integers(0, 2),  # 0: the order's owner, else another account
    "back": st.integers(1, 12),  # cancel the order placed this many commands ago, if any
})
_money = st.fixed_dictionaries({
    "op": st.sampled_from(("deposit", "deposit", "withdraw")),
    "account": st.sampled_from(ACCOUNTS),
    "amount": st.integers(1, 5000),
})
_shares = st.fixed_dictionaries({
    "op": st.just("transfer"),
    "account": st.sampled_from(ACCOUNTS),
    "symbol": st.sampled_from(SYMBOLS),
    "quantity": st.integers(1, 60),
    "direction": st.sampled_from(("in", "in", "out")),
})
_admin = st.fixed_dictionaries({
    "op": st.sampled_from(("resume", "halt", "list", "resume")),
    "symbol": st.sampled_from(SYMBOLS),
})
_repeat = st.fixed_dictionaries({"op": st.just("repeat"), "back": st.integers(1, 10)})

steps = st.lists(
    st.one_of(_order, _order, _order, _order, _order, _order, _cancel, _cancel, _money,
              _shares, _admin, _repeat),
    min_size=10,
    max_size=100,
)


def commands(raw: list[dict[str, Any]]) -> list[Command]:
    """Turn drawn steps into commands with ids (after FUNDING); a repeat re-sends one."""
    out: list[Command] = list(FUNDING)
    placed: list[tuple[str, str]] = []  # (order id, account id)
    for n, step in enumerate(raw):
        op = step["op"]
        cid = f"cmd-{n}"
        if op == "repeat":
            if out:
                out.append(out[max(0, len(out) - step["back"])])
            continue
        if op == "place":
            tick, lot = INSTRUMENTS.get(step["symbol"], (1, 1))
            limit = step["order_type"] == "limit"
            price = step["ticks"] * tick + (1 if step["off_tick"] == 9 and tick > 1 else 0)
            order_id = f"ord-{n}"
            side = ("buy", "sell")[(step["side"] + n) % 2]
            account = ACCOUNTS[(step["account"] + n) % 3]
            placed.append((order_id, account))
            client = f"c{step['client']}" if step["client"] else f"c-{n}"
            out.append((PlaceOrder, {
                "account_id": account, "order_id": order_id,
                "client_order_id": client, "symbol": step["symbol"],
                "side": side, "order_type": step["order_type"],
                "time_in_force": step["tif"], "quantity": step["lots"] * lot,
                "price": price if limit else None,
                "cash_limit": step["cash_limit"] if not limit and side == "buy" else None,
            }, cid))
        elif op == "cancel":
            if placed:
                target, owner = placed[max(0, len(placed) - step["back"])]
                account = ACCOUNTS[(ACCOUNTS.index(owner) + step["account"]) % 3]
                out.append((CancelOrder, {"account_id": account, "order_id": target}, cid))
        elif op in ("deposit", "withdraw"):
            kind = DepositCash if op == "deposit" else WithdrawCash
            out.append((kind, {"account_id": step["account"], "amount": step["amount"]}, cid))
        elif op == "transfer":
            out.append((TransferShares, {
                "account_id": step["account"], "symbol": step["symbol"],
                "quantity": step["quantity"], "direction": step["direction"]}, cid))
        elif op == "halt":
            out.append((HaltSymbol, {"symbol": step["symbol"], "reason": "news"}, cid))
        elif op == "resume":
            out.append((ResumeSymbol, {"symbol": step["symbol"]}, cid))
        else:
            out.append((ListInstrument, {"symbol": step["symbol"], "tick_size": 1,
                                         "lot_size": 1}, cid))
    return out
