"""/openapi.json lists every route the app serves (create_app opens no connection)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from starlette.routing import Route

from gateway.app import create_app
from infra.settings import load_settings


def test_every_route_is_documented_with_its_method(tmp_path: Path) -> None:
    app = create_app(replace(load_settings(), api_keys_file=tmp_path / "k.json"))
    document = app.state.openapi
    routes = [r for r in app.routes if isinstance(r, Route)]
    assert len(routes) >= 17
    for route in routes:
        documented = document["paths"].get(route.path)
        assert documented is not None, route.path
        for method in route.methods or ():
            # HEAD and OPTIONS are answered for every path, documented by HTTP itself.
            if method not in ("HEAD", "OPTIONS"):
                assert method.lower() in documented, (method, route.path)


def test_request_bodies_come_from_the_pydantic_models(tmp_path: Path) -> None:
    app = create_app(replace(load_settings(), api_keys_file=tmp_path / "k.json"))
    document = app.state.openapi
    place = document["paths"]["/v1/exchange/orders"]["post"]
    ref = place["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    shapes = {shape["title"]: shape for shape in schema["oneOf"]}
    assert set(shapes) == {"LimitOrder", "MarketBuyOrder", "MarketSellOrder"}
    assert {"account_id", "symbol", "quantity", "price"} <= set(shapes["LimitOrder"]["required"])
    assert "422" in place["responses"]
