"""`onelog keys` makes a key for a principal: a trader's accounts, a learner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.auth import SCOPES, ApiKeyStore
from gateway.exchange.principal import ACCOUNT
from gateway.judge.principal import LEARNER
from infra.settings import load_settings
from onelog.cli import _dev_api_key, main


@pytest.fixture
def keys_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "api-keys.json"
    monkeypatch.setenv("ONELOG_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("ONELOG_API_KEYS_FILE", str(path))
    return path


def created(capsys: pytest.CaptureFixture[str], keys_file: Path, *argv: str) -> tuple[str, str]:
    """The key `onelog --json keys <argv>` printed, and what it told the person."""
    assert main(["--json", "keys", *argv]) == 0
    out, err = capsys.readouterr()
    return json.loads(out)["key"], err


def test_a_traders_key_acts_for_the_accounts_given(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, note = created(
        capsys, keys_file, "trader", "--account", "acct-1", "--account", "acct-2"
    )
    key = ApiKeyStore(keys_file).verify(secret)
    assert key is not None and ACCOUNT.granted(key) == {"acct-1", "acct-2"}
    assert LEARNER.granted(key) == frozenset()
    # The default scopes: each domain's (a deployer's come with the trader's).
    assert key.scopes == {
        "exchange:read",
        "exchange:write",
        "deploy:read",
        "deploy:write",
        "deploy:approve",
        "feed:read",
        "feed:write",
        "music:read",
        "music:write",
    }
    assert note == ""


def test_a_learners_key_acts_as_the_learner_given(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, _ = created(capsys, keys_file, "ada", "--scopes", "judge:read,judge:write",
                        "--learner", "ada")  # fmt: skip
    key = ApiKeyStore(keys_file).verify(secret)
    assert key is not None and LEARNER.granted(key) == {"ada"}
    assert ACCOUNT.granted(key) == frozenset()


def test_a_key_for_no_one_says_so(keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret, note = created(capsys, keys_file, "nobody")
    assert "acts for no account and no learner" in note and secret not in note
    _, note = created(capsys, keys_file, "ops", "--scopes", "exchange:write,exchange:operator")
    assert note == ""


def test_a_bad_principal_is_refused_by_name(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "k", "--account", "a b"]) == 2
    assert "account 'a b'" in capsys.readouterr().err
    assert not keys_file.exists()


def test_the_dev_key_acts_for_everyone(keys_file: Path) -> None:
    settings = load_settings()
    key = ApiKeyStore(settings.api_keys_file).verify(_dev_api_key(settings))
    assert key is not None and key.scopes == set(SCOPES)
    assert {"exchange:operator", "judge:operator"} <= key.scopes
