"""GET /v1/judge/languages through the real gateway (Kafka and Redis up): the
table with the versions the installer recorded, to any key with judge:read."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from infra.settings import Settings
from onelog.judge.version_record import record_versions
from streams.judge.harness import harnesses
from streams.judge.judge_dir import JudgeDir
from streams.judge.languages import languages, load_languages
from tests.integration.gateway.conftest import Gateway

pytestmark = pytest.mark.integration


@pytest.fixture
def judge_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="onelog-gateway-judge-"))
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def gateway_settings(gateway_settings: Settings, judge_folder: Path) -> Settings:
    """The gateway reads versions from a judge folder of this test's, where only Python is."""
    toolchains = JudgeDir(judge_folder).toolchains
    toolchains.mkdir()
    python = load_languages(toolchains=toolchains)["python"]
    assert record_versions([python], toolchains) == ["python"]
    return replace(gateway_settings, judge_dir=judge_folder)


async def test_every_language_is_listed_with_its_recorded_version(gateway: Gateway) -> None:
    answer = await gateway.client.get("/v1/judge/languages", headers=gateway.key(("judge:read",)))
    assert answer.status_code == 200, answer.text
    listed = {entry["id"]: entry for entry in answer.json()["languages"]}
    assert sorted(listed) == sorted(languages())
    assert listed["python"]["version"].startswith("Python 3.")
    assert {i for i, entry in listed.items() if entry["version"] is not None} == {"python"}
    assert {i for i, entry in listed.items() if entry["function_style"]} == set(harnesses())
    assert listed["java"] | {"version": None} == {
        "id": "java",
        "name": languages()["java"].name,
        "version": None,
        "source_file": "Main.java",
        "compiled": True,
        "function_style": "java" in harnesses(),
        "limits": {"cpu_time_ms": 5_000, "wall_time_ms": 10_000, "memory_kb": 524_288},
    }


async def test_judge_read_is_needed_and_the_route_is_documented(gateway: Gateway) -> None:
    anonymous = await gateway.client.get("/v1/judge/languages")
    assert anonymous.status_code == 401
    exchange = await gateway.client.get(
        "/v1/judge/languages", headers=gateway.key(("exchange:read",))
    )
    assert exchange.status_code == 403
    document = await gateway.client.get("/openapi.json")
    assert "get" in document.json()["paths"]["/v1/judge/languages"]
