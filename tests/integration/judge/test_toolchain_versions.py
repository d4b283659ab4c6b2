"""The installer records each toolchain's version once, world-readable, by rename.

Real processes and files; no sandbox, no Kafka or Redis.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from onelog.judge.version_record import record_versions
from streams.judge.languages import Language, parse_language
from streams.judge.toolchain_versions import read_versions, versions_path


@pytest.fixture
def toolchains() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="onelog-versions-"))
    yield folder
    shutil.rmtree(folder)


def _language(language_id: str, version: list[str], toolchains: Path) -> Language:
    argv = ", ".join(f'"{arg}"' for arg in version)
    return parse_language(
        f'id = "{language_id}"\nname = "{language_id}"\nsource_file = "main.x"\n'
        f'version = [{argv}]\nrun = ["/bin/true"]\n'
        '[smoke]\nsource = ""\nstdin = ""\nexpected = ""\n',
        where=f"{language_id}.toml",
        toolchains=toolchains,
    )


def test_versions_are_read_once_and_again_when_the_tool_changes(toolchains: Path) -> None:
    tool = toolchains / "demo-tool"
    tool.write_text("#!/bin/sh\necho 'Demo banner'\necho 'demo 1.2.3' >&2\n")
    tool.chmod(0o755)
    demo = _language("demo", [str(tool), "--version"], toolchains)
    absent = _language("absent", [str(toolchains / "no-such-tool"), "--version"], toolchains)

    umask = os.umask(0o077)  # root's may be: the gateway still reads the file
    try:
        assert record_versions([demo, absent], toolchains) == ["demo", "absent"]
    finally:
        os.umask(umask)
    assert read_versions(toolchains) == {"demo": "demo 1.2.3"}
    assert versions_path(toolchains).stat().st_mode & 0o777 == 0o644
    assert record_versions([demo, absent], toolchains) == []  # stamps unchanged: no run

    tool.write_text("#!/bin/sh\necho 'demo 1.3.0, a longer line than before'\n")
    assert record_versions([demo], toolchains) == ["demo"]
    assert read_versions(toolchains) == {"demo": "demo 1.3.0, a longer line than before"}
    assert [p.name for p in toolchains.iterdir() if p.name.startswith(".")] == []


def test_a_failing_version_command_is_recorded_as_none(toolchains: Path) -> None:
    failing = _language("failing", ["/bin/sh", "-c", "echo 'oops 1.0'; exit 3"], toolchains)
    assert record_versions([failing], toolchains) == ["failing"]
    assert read_versions(toolchains) == {}
