"""The Faust patches apply to the one faust-streaming version they were written against."""

from __future__ import annotations

import importlib.metadata

import pytest

from streams import faust_fixes


def test_another_faust_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.15.4")
    with pytest.raises(RuntimeError, match=r"faust-streaming 0\.15\.3.*0\.15\.4 is installed"):
        faust_fixes.apply()


def test_the_pinned_version_is_the_one_installed() -> None:
    assert importlib.metadata.version("faust-streaming") == faust_fixes.FAUST_VERSION
