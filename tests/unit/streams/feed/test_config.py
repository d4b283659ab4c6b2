"""The feed's settings from ONELOG_FEED_* variables."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from infra.settings import load_settings
from streams.feed.config import feed_settings


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONELOG_STATE_DIR", str(tmp_path))
    # Each test says its own ONELOG_FEED_* (the e2e suite's session sets some).
    for name in [n for n in os.environ if n.startswith("ONELOG_FEED_")]:
        monkeypatch.delenv(name)
    return tmp_path


def test_the_defaults_are_the_designs(state_dir: Path) -> None:
    feed = feed_settings(load_settings())
    assert feed.rules.policy.push_limit == 10_000
    assert feed.rules.policy.buckets == 16
    assert feed.rules.timeline_cap == 1_000
    assert feed.rules.post_max_chars == 500


def test_k_and_the_weights_are_configuration(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONELOG_FEED_PUSH_LIMIT", "3")
    monkeypatch.setenv("ONELOG_FEED_RANK_SHARE", "20")
    feed = feed_settings(load_settings())
    assert feed.rules.policy.push_limit == 3
    assert feed.weights.share == 20


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ONELOG_FEED_PUSH_LIMIT", "many", "ONELOG_FEED_PUSH_LIMIT"),
        ("ONELOG_FEED_POST_MAX_CHARS", "6000", "ONELOG_FEED_POST_MAX_CHARS"),
        ("ONELOG_FEED_FOLLOWER_BUCKETS", "0", "buckets"),
    ],
)
def test_a_bad_value_is_named(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=says):
        feed_settings(load_settings())


def test_the_cursor_key_is_created_once_and_private(state_dir: Path) -> None:
    feed = feed_settings(load_settings())
    first = feed.cursor_key()
    assert len(first) == 32 and feed.cursor_key() == first
    assert stat.S_IMODE(feed.cursor_key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(feed.cursor_key_path.parent.stat().st_mode) == 0o700
