"""The exchange's Redis key layout, shared by the writer and the reader.

Keys are relative to the namespace: the sink and the reader add `<ns>:`.

    exchange:symbols                      set of symbols seen
    exchange:market:<symbol>              hash: symbol, seq, status, halt_reason,
                                          tick_size, lot_size, best_bid,
                                          best_ask, last_trade (JSON)
    exchange:depth:<symbol>:bids|asks     sorted set of price levels (score = price)
    exchange:depth:<symbol>:bids|asks:qty hash price -> aggregated quantity
    exchange:trades:<symbol>              list of trade JSON, newest first, capped
    exchange:order:<order_id>             hash: the order's details and status, and
                                          the refusal of its latest refused cancel
                                          (cancel_rejected_reason, _code, _at,
                                          _event_id)
    exchange:order:<order_id>:trades      set of trade ids already counted in `filled`
    exchange:open:<account_id>            set of the account's resting order ids
    exchange:balances:<account_id>        hash asset -> {"available","reserved"} JSON
                                          (asset "cash", or a symbol: a position)
    exchange:rejections:<account_id>      list of CommandRejected JSON, newest first
    channel exchange:feed:<symbol>        pub/sub: one JSON message per market
                                          fact, with the symbol's seq; public,
                                          so orders only, never accounts
                                          (projections/exchange/feed.py)
"""

from __future__ import annotations

SYMBOLS = "exchange:symbols"
RECENT_TRADES_KEPT = 1000
REJECTIONS_KEPT = 100
# Every key above is projected: the read model verify compares.
READ_MODEL: tuple[str, ...] = ("exchange:",)


def market(symbol: str) -> str:
    return f"exchange:market:{symbol}"


def depth(symbol: str, side: str) -> str:
    """The price levels of one side; `side` is the order side, buy or sell."""
    return f"exchange:depth:{symbol}:{'bids' if side == 'buy' else 'asks'}"


def depth_quantities(symbol: str, side: str) -> str:
    return depth(symbol, side) + ":qty"


def trades(symbol: str) -> str:
    return f"exchange:trades:{symbol}"


def order(order_id: str) -> str:
    return f"exchange:order:{order_id}"


def order_trades(order_id: str) -> str:
    return f"exchange:order:{order_id}:trades"


def open_orders(account_id: str) -> str:
    return f"exchange:open:{account_id}"


def balances(account_id: str) -> str:
    return f"exchange:balances:{account_id}"


def rejections(account_id: str) -> str:
    return f"exchange:rejections:{account_id}"


def market_channel(symbol: str) -> str:
    return f"exchange:feed:{symbol}"
