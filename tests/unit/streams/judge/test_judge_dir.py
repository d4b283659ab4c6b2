"""The judge's host folder: outside every checkout by default, configurable, laid out once."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import REPO_ROOT, load_settings
from streams.judge.judge_dir import JudgeDir, judge_dir, unsearchable_folder
from streams.judge.languages import load_languages


def test_the_default_judge_dir_is_outside_the_checkout_and_any_home(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONELOG_JUDGE_DIR", raising=False)
    default = load_settings().judge_dir
    assert default.is_absolute()
    assert not default.is_relative_to(REPO_ROOT)
    assert not any(default.is_relative_to(home) for home in ("/root", "/home", "/tmp"))
    paths = JudgeDir(default)
    for folder in (paths.toolchains, paths.compile_cache):
        assert folder.is_relative_to(default) and not folder.is_relative_to(REPO_ROOT)


def test_the_judge_dir_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONELOG_JUDGE_DIR", "/srv/judge")
    assert load_settings().judge_dir == Path("/srv/judge")
    assert JudgeDir(Path("/srv/judge")).toolchains == Path("/srv/judge/toolchains")


def test_the_language_table_binds_toolchains_from_the_judge_dir() -> None:
    toolchains = judge_dir().toolchains
    table = load_languages()
    assert table["cpp"].read_only == (str(toolchains / "cpp"),)
    assert all(
        not Path(path).is_relative_to(REPO_ROOT)
        for language in table.values()
        for path in language.read_only
    )


def test_the_nearest_folder_others_cannot_search_is_named(tmp_path: Path) -> None:
    private = tmp_path / "home"
    (private / "onelog" / "tc").mkdir(parents=True)
    private.chmod(0o700)
    assert unsearchable_folder(private / "onelog" / "tc") == private
    private.chmod(0o701)  # search is all it takes, not read
    assert unsearchable_folder(private / "onelog" / "tc") != private
    assert unsearchable_folder(Path("/usr/lib")) is None


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every user may enter, up to /: pytest's tmp_path is under a root-only one."""
    folder = Path(tempfile.mkdtemp(prefix="onelog-judge-dir-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_link_is_walked_where_it_is_and_where_it_points(open_folder: Path) -> None:
    # bubblewrap goes through the folder that holds the link, then where it points.
    target = open_folder / "open" / "toolchains"
    target.mkdir(parents=True)
    home = open_folder / "home"
    home.mkdir(mode=0o700)
    (home / "toolchains").symlink_to(target)
    assert unsearchable_folder(home / "toolchains") == home
    home.chmod(0o755)
    assert unsearchable_folder(home / "toolchains") is None
    (open_folder / "open").chmod(0o700)
    assert unsearchable_folder(home / "toolchains") == open_folder / "open"
