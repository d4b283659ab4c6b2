"""Resolving the broker's jars writes nothing to stdout: `onelog --json up`
prints its JSON there, and a first `up` resolves the jars."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from infra.kafka_broker import ensure_jars
from infra.settings import Settings


def test_maven_output_stays_off_stdout(
    infrastructure: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    libs = ensure_jars(replace(infrastructure, state_dir=tmp_path))
    out, _ = capfd.readouterr()
    assert any(libs.glob("kafka_*.jar"))
    assert out == ""
