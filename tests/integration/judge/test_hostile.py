"""Known exploits, kept as regression tests: each in Python, C, JavaScript and sh where it applies.

Every test ends with the run's flag checked (the limit that stopped it, or
the attempt visibly refused), and, after every test, no live process of the
sandbox's uids and no cgroup of a run left; the test process itself goes on,
which proves the host survived. C is compiled with gcc inside the sandbox.
Needs root and /usr/bin/bwrap; no Kafka, no Redis.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.judge.limits import LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox
from tests.integration.judge.conftest import live_processes_of

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (63_420, 4)  # this module's own, apart from workers' and the limits tests'
LANGUAGES = ("python", "c", "javascript", "sh")
BASE = Limits().lowered_to(LimitOverrides(wall_time_ms=5_000, cpu_time_ms=3_000))
SECRET_ENV = "ONELOG_HOSTILE_SECRET"
SECRET = "worker-secret-4b1d7e"
COMPILE_LIMITS = Limits().set_to(
    LimitOverrides(cpu_time_ms=30_000, wall_time_ms=60_000, memory_kb=512 * 1024,
                   file_size_kb=64 * 1024, open_files=256)
)  # fmt: skip


@pytest.fixture(autouse=True)
def _host_unaffected(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    parent = os.getppid()
    yield
    assert live_processes_of(range(UIDS[0], UIDS[0] + UIDS[1])) == []
    for group_parent in sandbox.cgroup_parents:
        assert [p.name for p in group_parent.iterdir() if p.is_dir()] == []
    assert os.getppid() == parent  # our parent was not killed either
    assert os.system("true") == 0  # the host can still fork


@pytest.fixture(scope="module")
def compile_c(sandbox: Sandbox, scratch: Path) -> Callable[[str], Path]:
    binaries: dict[str, Path] = {}

    def compile_(source: str) -> Path:
        if source not in binaries:
            work = Path(tempfile.mkdtemp(dir=scratch))
            (work / "main.c").write_text(source)
            r = sandbox.run(["/usr/bin/gcc", "-O1", "-w", "-o", "main", "main.c"],
                            workdir=work, stdin=b"", limits=COMPILE_LIMITS)  # fmt: skip
            assert r.exit_code == 0, r.stderr.decode()
            binaries[source] = work / "main"
        return binaries[source]

    return compile_


@pytest.fixture
def hostile(
    sandbox: Sandbox, box: Path, compile_c: Callable[[str], Path]
) -> Callable[..., RunResult]:
    """Run one language's version of an exploit in `box`."""

    def run(language: str, sources: dict[str, str], *, stdin: bytes = b"",
            limits: Limits = BASE) -> RunResult:  # fmt: skip
        source = sources[language]
        if language == "c":
            shutil.copy(compile_c(source), box / "main")
            argv = ["./main"]
        else:
            name, interpreter = {
                "python": ("main.py", "/usr/bin/python3"),
                "javascript": ("main.js", "/usr/bin/node"),
                "sh": ("main.sh", "/bin/sh"),
            }[language]
            (box / name).write_text(source)
            argv = [interpreter, name]
        return sandbox.run(argv, workdir=box, stdin=stdin, limits=limits)

    return run


def languages(*skip: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang not in skip])


# --- a fork bomb: the pids cgroup and RLIMIT_NPROC hold it, the clock ends it ---

FORK_BOMB = {
    "python": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    ),
    "c": "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n",
    "javascript": (
        "const cp = require('child_process');\n"
        "setInterval(() => { try { cp.spawn('/bin/sh', ['-c', 'while :; do :; done'])"
        ".on('error', () => {}); } catch (e) {} }, 1);\n"
    ),
    "sh": "while :; do ( while :; do :; done ) & done\n",
}


@languages()
def test_fork_bomb(hostile: Callable[..., RunResult], language: str) -> None:
    limits = BASE.lowered_to(LimitOverrides(processes=16, wall_time_ms=3_000))
    r = hostile(language, FORK_BOMB, limits=limits)
    assert r.wall_limit_hit or r.cpu_limit_hit or r.exit_code not in (0, None)
    assert r.wall_time_ms < 3_000 + 5_000


# --- a memory bomb: Memory Limit Exceeded, not a crash ---------------------------

MEMORY_BOMB = {
    "python": "b = []\nwhile True:\n    b.append(b'x' * 10**7)\n",
    "c": (
        "#include <stdlib.h>\n#include <string.h>\n"
        "int main(void) { for (;;) { char *p = malloc(1 << 24); if (p) memset(p, 1, 1 << 24); } }\n"
    ),
    "javascript": "const a = [];\nfor (;;) a.push(Buffer.alloc(1 << 24, 1));\n",
    "sh": 'x=xxxxxxxxxxxxxxxx\nwhile :; do x="$x$x"; done\n',
}


@languages()
def test_memory_bomb(hostile: Callable[..., RunResult], language: str) -> None:
    limits = BASE.lowered_to(LimitOverrides(memory_kb=128 * 1024, wall_time_ms=10_000))
    r = hostile(language, MEMORY_BOMB, limits=limits)
    assert r.memory_limit_hit, r
    assert not r.wall_limit_hit and r.exit_code is None


# --- an infinite loop: Time Limit Exceeded by CPU --------------------------------

INFINITE_LOOP = {
    "python": "while True:\n    pass\n",
    "c": "int main(void) { volatile unsigned long i = 0; for (;;) i++; }\n",
    "javascript": "for (;;) {}\n",
    "sh": "while :; do :; done\n",
}


@languages()
def test_infinite_loop(hostile: Callable[..., RunResult], language: str) -> None:
    limits = Limits(cpu_time_ms=1_000, wall_time_ms=20_000)
    r = hostile(language, INFINITE_LOOP, limits=limits)
    assert r.cpu_limit_hit and not r.wall_limit_hit, r
    assert r.exit_code is None


# --- sleeping forever: Time Limit Exceeded by the wall clock ---------------------

SLEEP_FOREVER = {
    "python": "import time\ntime.sleep(10**6)\n",
    "c": "#include <unistd.h>\nint main(void) { sleep(1000000); }\n",
    "javascript": "setTimeout(() => {}, 2 ** 31 - 1);\n",
    "sh": "sleep 1000000\n",
}


@languages()
def test_sleeping_forever(hostile: Callable[..., RunResult], language: str) -> None:
    r = hostile(language, SLEEP_FOREVER, limits=BASE.lowered_to(LimitOverrides(wall_time_ms=1_000)))
    assert r.wall_limit_hit and not r.cpu_limit_hit
    assert r.signal == 9 and 1_000 <= r.wall_time_ms < 6_000


# --- filling the disk: one file stops at file_size_kb ---------------------------

DISK_FILL = {
    "python": "f = open('fill', 'wb')\nwhile True:\n    f.write(b'x' * 65536)\n",
    "c": (
        "#include <stdio.h>\n"
        'int main(void) { static char b[65536]; FILE *f = fopen("fill", "w");'
        " for (;;) fwrite(b, 1, sizeof b, f); }\n"
    ),
    "javascript": (
        "const fs = require('fs');\nconst fd = fs.openSync('fill', 'w');\n"
        "const b = Buffer.alloc(65536, 1);\nfor (;;) fs.writeSync(fd, b);\n"
    ),
    "sh": "cat /dev/zero > fill\n",
}


@languages()
def test_disk_fill(hostile: Callable[..., RunResult], box: Path, language: str) -> None:
    r = hostile(language, DISK_FILL, limits=BASE.lowered_to(LimitOverrides(file_size_kb=256)))
    assert r.file_size_limit_hit, r
    assert (box / "fill").stat().st_size == 256 * 1024
    assert not r.wall_limit_hit


def test_filling_tmp_stays_in_the_sandbox(hostile: Callable[..., RunResult]) -> None:
    # Many files under the per-file limit: /tmp is the run's own tmpfs, charged
    # to its memory cgroup, and gone with it.
    before = set(os.listdir("/tmp"))
    limits = BASE.lowered_to(LimitOverrides(memory_kb=64 * 1024, file_size_kb=1024))
    fill = "i=0; while :; do head -c 1000000 /dev/zero > /tmp/f$i; i=$((i+1)); done\n"
    r = hostile("sh", {"sh": fill}, limits=limits)
    assert r.memory_limit_hit or r.exit_code not in (0, None)
    assert not any(name.startswith("f") and name[1:].isdigit() for name in
                   set(os.listdir("/tmp")) - before)  # fmt: skip


# --- the network: connecting to the host's loopback fails ------------------------

CONNECT = {
    "python": (
        "import socket, sys\nport = int(sys.stdin.read())\ns = socket.socket()\n"
        "try:\n    s.connect(('127.0.0.1', port))\n    print('connected')\n"
        "except OSError as e:\n    print('failed', e.errno)\n"
    ),
    "c": (
        "#include <stdio.h>\n#include <string.h>\n#include <errno.h>\n#include <arpa/inet.h>\n"
        "#include <sys/socket.h>\n"
        'int main(void) { int port; scanf("%d", &port);'
        " struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port);"
        " a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); int s = socket(AF_INET, SOCK_STREAM, 0);"
        ' if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) puts("connected");'
        ' else printf("failed %d\\n", errno); }\n'
    ),
    "javascript": (
        "const net = require('net');\nlet d = '';\n"
        "process.stdin.on('data', c => d += c).on('end', () => {\n"
        "  const s = net.connect(+d, '127.0.0.1',\n"
        "    () => { console.log('connected'); process.exit(0); });\n"
        "  s.on('error', e => { console.log('failed', e.code); process.exit(0); });\n});\n"
    ),
}


@languages("sh")  # no network client in a bare sh
def test_network_connect_fails(hostile: Callable[..., RunResult], language: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        r = hostile(language, CONNECT, stdin=str(port).encode())
        assert b"connected" not in r.stdout and r.stdout.startswith(b"failed"), r
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever reached the host


# --- reading the host: files, directories, the worker's environment --------------

HOST_PATHS = ["/etc/shadow", "/etc/passwd", "/root", "/work", "/work/main/pyproject.toml",
              "/proc/1/environ", "/proc/self/environ", "/home"]  # fmt: skip
READ_HOST = {
    "python": (
        "import os, sys\n"
        "for p in sys.stdin.read().split():\n"
        "    try:\n"
        "        print(os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read())\n"
        "    except OSError as e:\n"
        "        print('denied', p, e.errno)\n"
        "print(dict(os.environ))\n"
    ),
    "c": (
        "#include <stdio.h>\n#include <dirent.h>\n"
        "extern char **environ;\n"
        'int main(void) { char p[4096]; while (scanf("%4095s", p) == 1) {'
        " DIR *d = opendir(p); struct dirent *e;"
        " if (d) { while ((e = readdir(d))) puts(e->d_name); continue; }"
        ' FILE *f = fopen(p, "rb"); int c;'
        ' if (!f) { printf("denied %s\\n", p); continue; }'
        " while ((c = fgetc(f)) != EOF) putchar(c); }"
        " for (char **v = environ; *v; v++) puts(*v); }\n"
    ),
    "javascript": (
        "const fs = require('fs');\n"
        "for (const p of fs.readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean)) {\n"
        "  try { console.log(fs.statSync(p).isDirectory() ? fs.readdirSync(p) : fs.readFileSync(p)"
        ".toString('latin1')); }\n"
        "  catch (e) { console.log('denied', p, e.code); }\n}\n"
        "console.log(JSON.stringify(process.env));\n"
    ),
    "sh": 'while read p; do ls -a "$p" || cat "$p"; done; env; cat /proc/1/environ\n',
}


@languages()
def test_host_files_and_environment_are_invisible(
    hostile: Callable[..., RunResult], language: str
) -> None:
    with tempfile.NamedTemporaryFile("w", dir="/tmp", prefix="onelog-host-") as marker:
        marker.write("host-marker-91c2")
        marker.flush()
        os.chmod(marker.name, 0o644)
        paths = [*HOST_PATHS, marker.name]
        r = hostile(language, READ_HOST, stdin="\n".join(paths).encode() + b"\n")
    seen = r.stdout + r.stderr
    assert r.stdout, r  # it ran and printed something: the checks below mean something
    assert SECRET.encode() not in seen
    assert b"host-marker-91c2" not in seen
    assert b"root:x:0:0" not in seen  # /etc/passwd
    assert re.search(rb"root:[!*$]", seen) is None  # /etc/shadow
    assert b"[build-system]" not in seen  # /work/main/pyproject.toml
    assert b"shared" not in seen  # a listing of /work
    assert b".bashrc" not in seen  # a listing of /root


# --- signals: the host's processes are out of reach ------------------------------

SIGNALS = {
    "python": (
        "import os, sys\nhost = int(sys.stdin.read())\n"
        "for pid in (os.getppid(), 1, -1, host):\n"
        "    try:\n        os.kill(pid, 9)\n        print('sent', pid)\n"
        "    except OSError as e:\n        print('refused', pid, e.errno)\n"
        "print('alive')\n"
    ),
    "c": (
        "#include <stdio.h>\n#include <signal.h>\n#include <unistd.h>\n"
        'int main(void) { int host; scanf("%d", &host); int pids[] = {getppid(), 1, -1, host};'
        " for (int i = 0; i < 4; i++)"
        ' printf("%s %d\\n", kill(pids[i], 9) ? "refused" : "sent", pids[i]);'
        ' puts("alive"); }\n'
    ),
    "javascript": (
        "const host = +require('fs').readFileSync(0, 'utf8');\n"
        "for (const pid of [process.ppid, 1, -1, host]) {\n"
        "  try { process.kill(pid, 'SIGKILL'); console.log('sent', pid); }\n"
        "  catch (e) { console.log('refused', pid, e.code); }\n}\nconsole.log('alive');\n"
    ),
    "sh": (
        "read host\nkill -9 $PPID; kill -9 1; kill -9 -1\n"
        "kill -9 $host || echo refused $host\necho alive\n"
    ),
}


@languages()
def test_signals_cannot_reach_the_host(hostile: Callable[..., RunResult], language: str) -> None:
    r = hostile(language, SIGNALS, stdin=str(os.getpid()).encode())
    assert r.exit_code == 0, r
    lines = r.stdout.decode().splitlines()
    assert lines[-1] == "alive"  # -1 killed no one it should not have: not even itself
    assert any(line.startswith(f"refused {os.getpid()}") for line in lines)


# --- a background child that outlives the run ------------------------------------

OUTLIVE = {
    "python": (
        "import os, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(1)\n        open('/box/late', 'w').write('x')\n    os._exit(0)\n"
        "print('parent done')\n"
    ),
    "c": (
        "#include <stdio.h>\n#include <unistd.h>\n"
        "int main(void) { if (fork() == 0) { setsid(); if (fork() == 0) { sleep(1);"
        ' FILE *f = fopen("/box/late", "w"); fputs("x", f); fclose(f); } _exit(0); }'
        ' puts("parent done"); }\n'
    ),
    "javascript": (
        "require('child_process').spawn('/bin/sh', ['-c', 'sleep 1; echo x > /box/late'],"
        " {detached: true, stdio: 'ignore'}).unref();\nconsole.log('parent done');\n"
    ),
    "sh": "setsid sh -c 'sleep 1; echo x > /box/late' > /dev/null 2>&1 &\necho parent done\n",
}


@languages()
def test_a_background_child_dies_with_the_run(
    hostile: Callable[..., RunResult], box: Path, language: str
) -> None:
    r = hostile(language, OUTLIVE)
    assert r.stdout == b"parent done\n" and r.exit_code == 0, r
    time.sleep(2)  # the child would have written by now
    assert not (box / "late").exists()


# --- gigantic output: capped, and quickly ----------------------------------------

GIGANTIC_OUTPUT = {
    "python": "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
    "c": (
        "#include <stdio.h>\n#include <string.h>\n"
        "int main(void) { static char b[65536]; memset(b, 'x', sizeof b);"
        " for (;;) fwrite(b, 1, sizeof b, stdout); }\n"
    ),
    # writeSync: an async write would queue in memory when the pipe is full
    # and meet the memory limit before the output cap.
    "javascript": "const b = 'x'.repeat(65536);\nfor (;;) require('fs').writeSync(1, b);\n",
    "sh": "yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
}


@languages()
def test_gigantic_output_is_capped(hostile: Callable[..., RunResult], language: str) -> None:
    limits = BASE.lowered_to(LimitOverrides(wall_time_ms=20_000))
    r = hostile(language, GIGANTIC_OUTPUT, limits=limits)
    assert r.output_truncated and len(r.stdout) == 64 * 1024
    assert not r.wall_limit_hit and r.wall_time_ms < 5_000
    assert r.exit_code is None and r.signal == 9


# --- binary garbage on stdout: bytes back, exactly -------------------------------

GARBAGE = bytes(range(256)) * 16
BINARY = {
    "python": "import sys\nsys.stdout.buffer.write(bytes(range(256)) * 16)\n",
    "c": (
        "#include <stdio.h>\n"
        "int main(void) {"
        " for (int r = 0; r < 16; r++) for (int i = 0; i < 256; i++) putchar(i); }\n"
    ),
    "javascript": (
        "process.stdout.write(Buffer.from(Array.from({length: 4096}, (_, i) => i % 256)));\n"
    ),
    "sh": (
        'i=0; while [ $i -lt 256 ]; do printf "\\\\$(printf %o $i)"; i=$((i+1)); done > row\n'
        "for r in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat row; done\n"
    ),
}


@languages()
def test_binary_garbage_comes_back_as_bytes(
    hostile: Callable[..., RunResult], language: str
) -> None:
    r = hostile(language, BINARY)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == GARBAGE
