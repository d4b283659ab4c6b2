"""Which methods a path serves: OPTIONS answers with Allow, and a wrong method is
a 405 whose Allow lists every method of the path (RFC 9110), not only those of
one operation."""

from __future__ import annotations

import pytest

from schemas.ulid import new_ulid
from tests.integration.gateway.conftest import Gateway, problem

pytestmark = pytest.mark.integration

ORDER = f"/v1/exchange/orders/{new_ulid(0)}"


def allowed(header: str) -> set[str]:
    return {method.strip() for method in header.split(",")}


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        (ORDER, {"GET", "HEAD", "DELETE", "OPTIONS"}),
        ("/v1/judge/problems", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/v1/exchange/orders", {"POST", "OPTIONS"}),
    ],
)
async def test_options_and_a_wrong_method_name_every_method_of_the_path(
    gateway: Gateway, path: str, methods: set[str]
) -> None:
    options = await gateway.client.options(path)
    assert options.status_code == 204
    assert allowed(options.headers["allow"]) == methods

    wrong = await gateway.client.put(path, json={})
    assert wrong.status_code == 405
    assert allowed(wrong.headers["allow"]) == methods
    assert problem(wrong)["type"].endswith("/method-not-allowed")
