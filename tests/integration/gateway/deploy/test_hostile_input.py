"""/v1/deploy under hostile input, against real Kafka and Redis: malformed or
oversized bodies, wrong content types, ids with odd characters. Every answer
is problem+json naming what is at fault; none is a 500."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.deploy.principal import SERVICE as PRINCIPAL
from tests.integration.gateway.conftest import Gateway, problem
from tests.integration.gateway.deploy.test_commands import ADMIN, READ, WRITE, deployer

pytestmark = pytest.mark.integration

DEPLOYMENT = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def operator(gateway: Gateway) -> dict[str, str]:
    headers, _ = deployer(gateway, scopes=(READ, WRITE, ADMIN, PRINCIPAL.operator_scope))
    return dict(headers)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/deploy/deployments/not-a-ulid", "deployment_id"),
        ("/v1/deploy/deployments/%00", "deployment_id"),
        ("/v1/deploy/deployments/%C3%A9" + "0" * 25, "deployment_id"),
        ("/v1/deploy/deployments/" + "0" * 4000, "deployment_id"),
        ("/v1/deploy/deployments/..%5C..%5Cetc/events", "deployment_id"),
        ("/v1/deploy/services/Web", "service"),
        ("/v1/deploy/services/web%0Aevil/deployments", "service"),
        ("/v1/deploy/services/web/deployments?limit=abc", "limit"),
        ("/v1/deploy/services/web/deployments?limit=100000000000000000000000", "limit"),
        ("/v1/deploy/services/web/releases/r%201", "release_id"),
        ("/v1/deploy/services/web/releases/" + "r" * 300, "release_id"),
    ],
)
async def test_an_odd_id_in_a_read_is_a_422_naming_it(
    gateway: Gateway, path: str, field: str
) -> None:
    response = await gateway.client.get(path, headers=operator(gateway))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in problem(response)["errors"]]


async def test_an_encoded_slash_matches_no_route_and_is_a_404_problem(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/v1/deploy/deployments/..%2F..%2Fetc/events", headers=operator(gateway)
    )
    assert response.status_code == 404
    problem(response)


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("POST", f"/v1/deploy/deployments/{DEPLOYMENT[:-1]}!/pause", "deployment_id"),
        ("DELETE", "/v1/deploy/services/web/hosts/h%20one", "host_id"),
        ("PUT", "/v1/deploy/services/-web/hosts", "service"),
    ],
)
async def test_an_odd_id_in_a_command_is_a_422_naming_it(
    gateway: Gateway, method: str, path: str, field: str
) -> None:
    body: dict[str, Any] = {"hosts": []} if method == "PUT" else {}
    response = await gateway.client.request(method, path, json=body, headers=operator(gateway))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in problem(response)["errors"]]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b'"text"', "application/json", 422),
        (b"\xff\xfe\x00", "application/json", 400),
        (b'{"service": "web"}', "text/plain", 415),
        (b'{"service": "web", "release_id": "r"' + b" " * (2 * 1024 * 1024) + b"}",
         "application/json", 413),
    ],
)  # fmt: skip
async def test_a_malformed_or_oversized_body_is_refused_as_problem_json(
    gateway: Gateway, content: bytes, content_type: str, status: int
) -> None:
    response = await gateway.client.post(
        "/v1/deploy/deployments",
        content=content,
        headers={**operator(gateway), "Content-Type": content_type},
    )
    assert response.status_code == status, response.text
    problem(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "web", "version": "1", "repo": "/r", "commit": "xyz"}, "commit"),
        ({"service": "web", "version": "1", "repo": "/r\u0000", "commit": "abc1234"}, "repo"),
        ({"service": "web", "version": "1" * 100, "repo": "/r", "commit": "abc1234"}, "version"),
        ({"service": 7, "version": "1", "repo": "/r", "commit": "abc1234"}, "service"),
    ],
)
async def test_a_bad_build_names_the_field(
    gateway: Gateway, body: dict[str, Any], field: str
) -> None:
    response = await gateway.client.post(
        "/v1/deploy/releases", json=body, headers=operator(gateway)
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in problem(response)["errors"]] == [field]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"", "application/gzip", 422),
        (b"not gzip", "application/gzip", 422),
        (b"\x1f\x8b", "application/json", 415),
        (b"\x1f\x8b", "multipart/form-data; boundary=x", 415),
    ],
)
async def test_an_upload_that_is_no_artifact_is_refused(
    gateway: Gateway, content: bytes, content_type: str, status: int
) -> None:
    response = await gateway.client.post(
        "/v1/deploy/releases/upload",
        params={"service": "web", "version": "1"},
        content=content,
        headers={**operator(gateway), "Content-Type": content_type},
    )
    assert response.status_code == status, response.text
    if status == 422:
        assert problem(response)["type"].endswith("/invalid-artifact")


async def test_an_upload_without_its_query_names_the_parameters(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/v1/deploy/releases/upload",
        content=b"\x1f\x8b",
        headers={**operator(gateway), "Content-Type": "application/gzip"},
    )
    assert response.status_code == 422, response.text
    assert {e["field"] for e in problem(response)["errors"]} == {"service", "version"}
