"""What the sandbox shows where: bind order, refused binds, and where a run's program comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.judge.bubblewrap import bwrap_argv, find_program, host_path, read_only_conflict


def test_toolchains_are_bound_after_the_private_tmp() -> None:
    # bubblewrap mounts in argument order: a toolchain under /tmp bound before
    # the tmpfs would vanish under it.
    toolchain = "/tmp/fresh1/.toolchains/cpp"
    argv = bwrap_argv(
        workdir=Path("/tmp/state/box"),
        writable_workdir=True,
        read_only=[Path(toolchain)],
        tmp_size_kb=1024,
        block_fd=8,
        info_fd=9,
    )
    tmpfs = argv.index("/tmp", argv.index("--tmpfs"))
    bind = argv.index("--ro-bind", tmpfs)
    assert argv[bind : bind + 3] == ["--ro-bind", toolchain, toolchain]


@pytest.mark.parametrize(
    "path", ["/tmp/fresh1/.toolchains/cpp", "/etc/java-17-openjdk", "/opt/tc/kotlin", "/srv"]
)
def test_paths_the_sandbox_can_bind(path: str) -> None:
    assert read_only_conflict(Path(path)) is None


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/", "would cover /usr"),
        ("/tmp", "would cover /tmp"),
        ("/etc", "would cover /etc/alternatives"),
        ("/dev", "would cover /dev"),
        ("/box", "would cover /box"),
        ("/box/lib", "under /box"),
        ("/usr/lib/jvm", "under /usr"),
        ("/proc/1", "under /proc"),
        ("/dev/shm/x", "under /dev"),
        ("/bin/tool", "under /bin"),
    ],
)
def test_paths_the_sandbox_refuses_to_bind(path: str, why: str) -> None:
    conflict = read_only_conflict(Path(path))
    assert conflict is not None and why in conflict


def test_host_path_maps_what_the_run_sees() -> None:
    workdir, tc = Path("/srv/cache/abc"), [Path("/tmp/fresh1/.toolchains/ts")]
    assert host_path("./main", workdir=workdir, read_only=tc) == workdir / "main"
    assert host_path("main.exe", workdir=workdir, read_only=tc) == workdir / "main.exe"
    assert host_path("/box/../box/main", workdir=workdir, read_only=tc) == workdir / "main"
    assert host_path("/bin/sh", workdir=workdir, read_only=tc) == Path("/usr/bin/sh")
    assert host_path("/usr/bin/java", workdir=workdir, read_only=tc) == Path("/usr/bin/java")
    ts = "/tmp/fresh1/.toolchains/ts/tsc"
    assert host_path(ts, workdir=workdir, read_only=tc) == Path(ts)
    # The host's /tmp, /root, /work are not in the sandbox.
    for unseen in ("/tmp/fresh1/other", "/root/.cargo/bin/rustc", "/work/main/x", "/etc/passwd"):
        assert host_path(unseen, workdir=workdir, read_only=tc) is None, unseen


def test_find_program_looks_where_the_run_would(tmp_path: Path) -> None:
    (tmp_path / "main").write_text("#!/bin/sh\n")
    (tmp_path / "main").chmod(0o755)
    (tmp_path / "data").write_text("")
    (tmp_path / "data").chmod(0o644)
    assert find_program("./main", workdir=tmp_path, read_only=()) == tmp_path / "main"
    assert find_program("sh", workdir=tmp_path, read_only=()) is not None  # on the sandbox PATH
    assert find_program("./nothere", workdir=tmp_path, read_only=()) is None
    assert find_program("/usr/bin/nothere", workdir=tmp_path, read_only=()) is None
    assert find_program("./data", workdir=tmp_path, read_only=()) is None  # not executable
    # A program outside anything the sandbox binds is not found, though the host has it.
    assert find_program(str(tmp_path / "main"), workdir=Path("/srv"), read_only=()) is None
