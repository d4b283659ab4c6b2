from __future__ import annotations

import stat
from pathlib import Path

from projections.analytics_token import TOKEN_FILE, analytics_token, presents_token


def test_the_token_is_made_once_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    token = analytics_token(state)
    assert len(token) >= 40
    assert analytics_token(state) == token
    assert stat.S_IMODE((state / TOKEN_FILE).stat().st_mode) == 0o600
    assert [p.name for p in state.iterdir()] == [TOKEN_FILE]


def test_only_the_bearer_of_the_token_is_let_in() -> None:
    assert presents_token("Bearer s3cret", "s3cret")
    assert presents_token("bearer s3cret", "s3cret")
    for header in (None, "", "s3cret", "Bearer", "Bearer s3cre", "Basic s3cret", "Bearer s3cret2"):
        assert not presents_token(header, "s3cret")
