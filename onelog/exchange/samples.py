"""The exchange's sample request `onelog up` prints to try the platform."""

from __future__ import annotations

from onelog.curl import curl_post


def exchange_curl(gateway_url: str, key: str) -> str:
    return curl_post(f"{gateway_url}/v1/exchange/accounts/alice/deposits", key, {"amount": 100000})
