from __future__ import annotations

import pytest

from infra.settings import Settings


@pytest.fixture(autouse=True)
def _services(infrastructure: Settings) -> Settings:
    return infrastructure
