"""The sandbox really enforces each limit and really isolates: real bubblewrap, real cgroups.

Needs root (a uid to drop to, cgroups to make) and /usr/bin/bwrap; no Kafka,
no Redis. Margins are wide: this runs on a loaded 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from streams.judge.limits import LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox, SandboxError
from streams.judge.uids import UidPool
from tests.integration.judge.conftest import live_processes_of

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

PY = "/usr/bin/python3"  # Debian's, not the project's venv
# A uid range of this module's own, so its checks see only its own runs.
UIDS = (63_410, 4)
FAST = Limits().lowered_to(LimitOverrides(wall_time_ms=5_000, cpu_time_ms=3_000))


@pytest.fixture(autouse=True)
def _nothing_left(sandbox: Sandbox) -> Iterator[None]:
    yield
    assert live_processes_of(range(UIDS[0], UIDS[0] + UIDS[1])) == []
    for parent in sandbox.cgroup_parents:
        assert [p.name for p in parent.iterdir() if p.is_dir()] == []


def run(
    sandbox: Sandbox,
    box: Path,
    argv: list[str],
    *,
    stdin: bytes = b"",
    limits: Limits = FAST,
    **kwargs: object,
) -> RunResult:
    return sandbox.run(argv, workdir=box, stdin=stdin, limits=limits, **kwargs)  # type: ignore[arg-type]


def py(code: str) -> list[str]:
    return [PY, "-c", code]


def test_runs_get_a_cgroup_on_this_host(sandbox: Sandbox) -> None:
    # Without one the memory and whole-tree CPU checks below would not be tested.
    assert sandbox.cgroup_version in ("v1", "v2")


def test_a_plain_run(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sh", "-c", "cat; echo oops >&2; exit 3"], stdin=b"in\n")
    assert (r.exit_code, r.signal, r.stdout, r.stderr) == (3, None, b"in\n", b"oops\n")
    assert not (r.cpu_limit_hit or r.wall_limit_hit or r.memory_limit_hit)
    assert not (r.output_truncated or r.file_size_limit_hit)
    assert 0 < r.wall_time_ms < 5_000 and r.memory_kb > 0


# --- limits -------------------------------------------------------------------


def test_cpu_limit(sandbox: Sandbox, box: Path) -> None:
    limits = Limits(cpu_time_ms=1_000, wall_time_ms=20_000)
    r = run(sandbox, box, py("while True: pass"), limits=limits)
    assert r.cpu_limit_hit and not r.wall_limit_hit
    assert r.exit_code is None and r.signal is not None
    # Not >= 1000: the kernel's RLIMIT_CPU clock and cpuacct disagree by some
    # percent on this VM; the flag is the contract, the figure is a measurement.
    assert 700 <= r.cpu_time_ms < 4_000


def test_cpu_limit_counts_every_process_of_the_run(sandbox: Sandbox, box: Path) -> None:
    # Four spinners: each stays under RLIMIT_CPU (per process); the group does not.
    spin = f"{PY} -c 'while True: pass'"
    limits = Limits(cpu_time_ms=2_000, wall_time_ms=20_000)
    r = run(sandbox, box, ["/bin/sh", "-c", f"{spin} & {spin} & {spin} & {spin} & wait"],
            limits=limits)  # fmt: skip
    assert r.cpu_limit_hit and not r.wall_limit_hit
    assert r.cpu_time_ms < 4 * 2_000  # stopped before any one process hit its rlimit


def test_wall_limit(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sleep", "1000"], limits=Limits(wall_time_ms=1_000))
    assert r.wall_limit_hit and not r.cpu_limit_hit
    assert r.exit_code is None and r.signal == 9
    assert 1_000 <= r.wall_time_ms < 6_000
    assert r.cpu_time_ms < 500


def test_memory_limit(sandbox: Sandbox, box: Path) -> None:
    limits = FAST.lowered_to(LimitOverrides(memory_kb=64 * 1024))
    r = run(sandbox, box, py("b = b'x' * (200 * 1024 * 1024)"), limits=limits)
    assert r.memory_limit_hit
    assert r.exit_code is None and r.signal == 9
    assert r.memory_kb <= 64 * 1024 + 1024


def test_peak_memory_is_measured(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, py("b = b'x' * (40 * 1024 * 1024); print(len(b))"))
    assert r.exit_code == 0 and not r.memory_limit_hit
    assert 40 * 1024 <= r.memory_kb < 120 * 1024


def test_process_limit(sandbox: Sandbox, box: Path) -> None:
    code = (
        "import os, time\n"
        "n = 0\n"
        "while True:\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        time.sleep(30); os._exit(0)\n"
        "    n += 1\n"
        "print(n)\n"
    )
    limits = FAST.lowered_to(LimitOverrides(processes=10))
    r = run(sandbox, box, py(code), limits=limits)
    assert r.exit_code == 0, r.stderr
    assert 1 <= int(r.stdout) < 10  # the run itself is one of the ten


def test_file_size_limit_by_signal(sandbox: Sandbox, box: Path) -> None:
    limits = FAST.lowered_to(LimitOverrides(file_size_kb=100))
    r = run(sandbox, box, ["/bin/sh", "-c", "head -c 1000000 /dev/zero > big"], limits=limits)
    assert r.file_size_limit_hit
    assert r.signal == 25  # SIGXFSZ, reported by the shell as 128 + 25
    assert (box / "big").stat().st_size == 100 * 1024


def test_file_size_limit_when_the_runtime_ignores_the_signal(sandbox: Sandbox, box: Path) -> None:
    # Python ignores SIGXFSZ: the write fails with EFBIG and the program exits 1.
    limits = FAST.lowered_to(LimitOverrides(file_size_kb=100))
    r = run(sandbox, box, py("open('big', 'wb').write(b'x' * 1_000_000)"), limits=limits)
    assert r.exit_code == 1 and b"File too large" in r.stderr
    assert r.file_size_limit_hit


def test_open_files_limit(sandbox: Sandbox, box: Path) -> None:
    code = (
        "fs = []\n"
        "try:\n"
        "    while True: fs.append(open('/dev/null'))\n"
        "except OSError as e:\n"
        "    print(len(fs), e.errno)\n"
    )
    limits = FAST.lowered_to(LimitOverrides(open_files=16))
    r = run(sandbox, box, py(code), limits=limits)
    opened, errno = map(int, r.stdout.split())
    assert errno == 24 and opened < 16  # EMFILE; stdin, stdout, stderr count too


def test_output_limit(sandbox: Sandbox, box: Path) -> None:
    limits = FAST.lowered_to(LimitOverrides(output_kb=4))
    r = run(sandbox, box, ["/usr/bin/yes"], limits=limits)
    assert r.output_truncated and len(r.stdout) == 4 * 1024
    assert r.exit_code is None and not r.wall_limit_hit


def test_output_limit_on_stderr(sandbox: Sandbox, box: Path) -> None:
    limits = FAST.lowered_to(LimitOverrides(output_kb=4))
    r = run(sandbox, box, ["/bin/sh", "-c", "yes >&2"], limits=limits)
    assert r.output_truncated and len(r.stderr) == 4 * 1024 and r.stdout == b""


def test_output_under_the_cap_is_kept_whole(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sh", "-c", "head -c 65536 /dev/zero"])
    assert not r.output_truncated and r.stdout == bytes(65536)


def test_big_stdin(sandbox: Sandbox, box: Path) -> None:
    data = os.urandom(5 * 1024 * 1024)
    r = run(sandbox, box, ["/bin/sh", "-c", "sha256sum"], stdin=data)
    expected = subprocess.run(["sha256sum"], input=data, capture_output=True, check=True)
    assert r.stdout == expected.stdout


# --- isolation ----------------------------------------------------------------


def test_no_network_but_a_loopback(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/cat", "/proc/net/dev"])
    interfaces = [line.split(":")[0].strip() for line in r.stdout.decode().splitlines()[2:]]
    assert interfaces == ["lo"]


def test_pid_1_is_bubblewrap_and_the_host_is_invisible(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sh", "-c", "cat /proc/1/cmdline; echo; echo $$; ls /proc"])
    cmdline, pid, *rest = r.stdout.decode().splitlines()
    assert cmdline.startswith("/usr/bin/bwrap")
    assert int(pid) <= 3
    visible = sorted(int(name) for name in rest if name.isdigit())
    assert len(visible) <= 4 and max(visible) < 10  # bwrap, sh, ls: nothing of the host


def test_hostname_is_not_the_hosts(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/cat", "/proc/sys/kernel/hostname"])
    assert r.stdout.strip() == b"box" != socket.gethostname().encode()


def test_environment_is_clean(sandbox: Sandbox, box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONELOG_SANDBOX_SECRET", "s3cr3t-of-the-worker")
    r = run(sandbox, box, ["/usr/bin/env"])
    assert sorted(r.stdout.decode().splitlines()) == [
        "HOME=/tmp",
        "LANG=C.UTF-8",
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "PWD=/box",
    ]


def test_root_shows_only_the_sandbox(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sh", "-c", "ls -A /; echo --; ls -A /etc"])
    root, etc = r.stdout.decode().split("--\n")
    assert root.split() == ["bin", "box", "dev", "etc", "lib", "lib64", "proc", "sbin", "tmp",
                            "usr"]  # fmt: skip
    assert etc.split() == ["alternatives", "ld.so.cache"]


def test_not_root_inside_nor_outside(sandbox: Sandbox, box: Path) -> None:
    r = run(sandbox, box, ["/bin/sh", "-c", "id -u; grep Cap /proc/self/status; touch made"])
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "65534"
    assert all(line.split()[1] == "0000000000000000" for line in lines[1:])
    owner = (box / "made").stat().st_uid
    assert owner in range(UIDS[0], UIDS[0] + UIDS[1])  # the leased uid, not root


def test_workdir_is_writable_and_usr_is_not(sandbox: Sandbox, box: Path) -> None:
    (box / "given.txt").write_text("from the host\n")
    script = "cat given.txt; echo hi > out.txt; touch /usr/x || echo usr-ro; echo t > /tmp/t"
    r = run(sandbox, box, ["/bin/sh", "-c", script])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == b"from the host\nusr-ro\n"
    assert b"Read-only file system" in r.stderr
    assert (box / "out.txt").read_text() == "hi\n"


def test_read_only_workdir(sandbox: Sandbox, box: Path) -> None:
    (box / "main.sh").write_text("echo ran\n")
    box.chmod(0o700)  # as a fresh cache entry is; the run must still read it
    r = run(sandbox, box, ["/bin/sh", "-c", "sh main.sh; touch x || echo ro"],
            writable_workdir=False)  # fmt: skip
    assert r.stdout == b"ran\nro\n"
    assert not (box / "x").exists()


def test_an_unreachable_workdir_is_refused_clearly(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="not searchable"):
        run(sandbox, tmp_path, ["/bin/true"])


def test_toolchain_paths_are_bound_read_only(sandbox: Sandbox, box: Path) -> None:
    toolchain = Path(tempfile.mkdtemp(prefix="onelog-toolchain-"))
    try:
        toolchain.chmod(0o755)
        (toolchain / "tool").write_text("a tool\n")
        (toolchain / "tool").chmod(0o644)
        r = run(sandbox, box, ["/bin/sh", "-c", f"cat {toolchain}/tool; touch {toolchain}/x"],
                read_only=[toolchain])  # fmt: skip
        assert r.stdout == b"a tool\n" and r.exit_code != 0
        assert not (toolchain / "x").exists()
    finally:
        shutil.rmtree(toolchain)


def test_the_host_tmp_is_not_the_sandboxs(sandbox: Sandbox, box: Path) -> None:
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="onelog-host-") as host_file:
        os.chmod(host_file.name, 0o644)
        r = run(sandbox, box, ["/bin/sh", "-c", f"ls /tmp; cat {host_file.name}"])
        assert r.stdout == b"" and r.exit_code != 0


def test_runs_in_parallel_threads_do_not_mix(sandbox: Sandbox, scratch: Path) -> None:
    boxes = [Path(tempfile.mkdtemp(dir=scratch)) for _ in range(6)]

    def one(i: int) -> RunResult:
        return run(sandbox, boxes[i], ["/bin/sh", "-c", f"echo {i} > mine; cat; cat mine"],
                   stdin=f"in{i}\n".encode())  # fmt: skip

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(one, range(6)))
    assert [r.stdout for r in results] == [f"in{i}\n{i}\n".encode() for i in range(6)]


# --- the sandbox's own failures, and what only looks like one ---------------------


def test_a_missing_read_only_path_is_the_sandboxs_failure(sandbox: Sandbox, box: Path) -> None:
    with pytest.raises(SandboxError, match="does not exist"):
        run(sandbox, box, ["/bin/true"], read_only=[Path("/nonexistent/toolchain")])


@pytest.mark.parametrize("program", ["/usr/bin/no-such-compiler", "./main", "no-such-tool"])
def test_a_missing_program_is_the_sandboxs_failure(
    sandbox: Sandbox, box: Path, program: str
) -> None:
    with pytest.raises(SandboxError, match="no executable"):
        run(sandbox, box, [program])


def test_a_bind_bubblewrap_cannot_make_is_the_sandboxs_failure(sandbox: Sandbox, box: Path) -> None:
    # It exists and others may search every folder above it, which is all the
    # sandbox checks first; but each gid of the pool (a run's gid is its uid)
    # is the group of one of those folders, without search, so whichever uid the
    # run leases cannot reach it. (Owning it would not do: bubblewrap's user
    # namespace may override permissions on what its uid owns.) Only bubblewrap
    # finds out, while building the sandbox, before the run starts.
    top = Path(tempfile.mkdtemp(prefix="onelog-owned-"))
    top.chmod(0o755)
    try:
        folder = top
        for uid in range(UIDS[0], UIDS[0] + UIDS[1]):
            folder = folder / str(uid)
            folder.mkdir()
            os.chown(folder, 0, uid)
            folder.chmod(0o701)
        toolchain = folder / "toolchain"
        toolchain.mkdir()
        with pytest.raises(SandboxError, match="bubblewrap did not start: bwrap: "):
            run(sandbox, box, ["/bin/true"], read_only=[toolchain])
    finally:
        shutil.rmtree(top)


def test_a_run_printing_bubblewraps_words_is_still_the_runs_own(
    sandbox: Sandbox, box: Path
) -> None:
    said = "bwrap: execvp ./main: No such file or directory\n"
    r = run(sandbox, box, py(f"import sys; sys.stderr.write({said!r}); sys.exit(1)"))
    assert r.exit_code == 1 and r.stderr == said.encode()


def test_saying_memoryerror_is_not_hitting_the_memory_limit(sandbox: Sandbox, box: Path) -> None:
    # With a memory cgroup, only the group's evidence counts, never the run's stderr.
    r = run(sandbox, box, py("import sys; sys.stderr.write('MemoryError\\n'); sys.exit(1)"))
    assert r.exit_code == 1 and not r.memory_limit_hit


def test_without_a_cgroup_a_failed_allocation_is_the_memory_limit(box: Path) -> None:
    # The fallback: RLIMIT_DATA makes the allocation fail, and stderr says so.
    rlimits_only = Sandbox(uids=UidPool(*UIDS), use_cgroups=False)
    limits = FAST.lowered_to(LimitOverrides(memory_kb=64 * 1024))
    r = run(rlimits_only, box, py("b = b'x' * (200 * 1024 * 1024)"), limits=limits)
    assert r.exit_code == 1 and b"MemoryError" in r.stderr
    assert r.memory_limit_hit
