"""How many sandboxed runs a second the judge's sandbox starts and finishes.

Trivial programs (/bin/true, a C hello compiled once in the sandbox, and
`python3 -c pass`), each run N times through `Sandbox.run`, one at a time and
from two threads at once (the agent's semaphore on a 2-core worker); then
`python3 -B main.py` through the warm path (one fork server per thread). Then
where one run's time goes: the same bubblewrap command alone, and the cgroup
setup alone. With `--languages`, each named language's smoke program from
the table (compiled once by the Toolchain, as a submission's source is) run
N times with its smoke input: runs/s per language family. Needs root and
/usr/bin/bwrap (and the toolchains, for --languages).

    python -m bench.sandbox_runs [--runs N] [--threads T] [--languages c,java,...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streams.judge.bubblewrap import bwrap_argv
from streams.judge.languages import Language, languages
from streams.judge.limits import DEFAULT_LIMITS, LimitOverrides, Limits
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain
from streams.judge.warm_sandbox import submission_runs

HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
LIMITS = Limits()


def timed(runs: int, threads: int, one: Callable[[int], None]) -> float:
    """Runs per second of `one(i)` for i in range(runs), on `threads` threads."""
    start = time.perf_counter()
    if threads == 1:
        for i in range(runs):
            one(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(runs)))
    return runs / (time.perf_counter() - start)


def sandboxed(sandbox: Sandbox, argv: Sequence[str], boxes: list[Path]) -> Callable[[int], None]:
    def one(i: int) -> None:
        r = sandbox.run(argv, workdir=boxes[i % len(boxes)], stdin=b"", limits=LIMITS,
                        writable_workdir=False)  # fmt: skip
        if r.exit_code != 0:
            raise RuntimeError(f"{argv}: {r}")

    return one


def warm_runs(sandbox: Sandbox, boxes: list[Path], runs: int) -> float:
    """Runs/s of `python3 -B main.py` (`pass`) through warm sandboxes, one per box and thread.

    Each thread is one submission's session (warm_sandbox.py): its server's
    start is counted, as a submission pays it.
    """
    argv = ["/usr/bin/python3", "-B", "main.py"]

    def session(box: Path) -> None:
        with submission_runs(sandbox, argv, workdir=box, read_only=(), limits=LIMITS) as run:
            for _ in range(runs // len(boxes)):
                r = run(b"", LIMITS)
                if r.exit_code != 0:
                    raise RuntimeError(f"warm: {r}")

    start = time.perf_counter()
    with ThreadPoolExecutor(len(boxes)) as pool:
        list(pool.map(session, boxes))
    return runs // len(boxes) * len(boxes) / (time.perf_counter() - start)


def language_runs(sandbox: Sandbox, cache: Path, ids: Sequence[str], runs: int,
                  threads: int) -> None:  # fmt: skip
    """Each language's smoke program, compiled once, run `runs` times: runs/s."""
    table = languages()
    toolchain = Toolchain(sandbox, cache)
    for language_id in ids:
        language = table[language_id]
        built = toolchain.compile(language, language.smoke.source)
        if not built.ok:
            raise RuntimeError(f"{language_id}: the smoke program did not compile: {built.message}")
        one = smoke_run(sandbox, language, built.workdir)
        one(0)  # the page cache
        sequential = timed(runs, 1, one)
        parallel = timed(runs, threads, one)
        print(f"{language.name[:30]:<30} {sequential:>6.1f} runs/s sequential   "
              f"{parallel:>6.1f} runs/s on {threads} threads  "
              f"({1000 / sequential:.1f} ms a run)")  # fmt: skip


def smoke_run(sandbox: Sandbox, language: Language, workdir: Path) -> Callable[[int], None]:
    limits = DEFAULT_LIMITS.set_to(language.limits)
    stdin = language.smoke.stdin.encode()
    read_only = [Path(p) for p in language.read_only]

    def one(i: int) -> None:
        r = sandbox.run(language.run, workdir=workdir, stdin=stdin, limits=limits,
                        read_only=read_only, writable_workdir=False)  # fmt: skip
        if r.exit_code != 0 or r.stdout.decode() != language.smoke.expected:
            raise RuntimeError(f"{language.id}: {r}")

    return one


def bare_bwrap(box: Path) -> Callable[[int], None]:
    """The bubblewrap command alone, as root, no uid change, cgroup or rlimits."""
    r, w = os.pipe()
    os.close(w)  # --block-fd at EOF: no wait
    options = bwrap_argv(workdir=box, writable_workdir=False, read_only=[], tmp_size_kb=65536,
                         block_fd=r, info_fd=2)  # fmt: skip
    argv = [*options, "/bin/true"]

    def one(i: int) -> None:
        subprocess.run(argv, check=True, stderr=subprocess.DEVNULL, pass_fds=(r,))

    return one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--languages", default="", help="ids from the language table, or 'all'")
    args = parser.parse_args()

    sandbox = Sandbox()
    print(f"cgroups: {sandbox.cgroup_version or 'none (rlimits only)'}, cores: {os.cpu_count()}, "
          f"{args.runs} runs each")  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="onelog-bench-sandbox-"))
    scratch.chmod(0o755)
    try:
        boxes = [Path(tempfile.mkdtemp(dir=scratch)) for _ in range(args.threads)]
        compile_box = Path(tempfile.mkdtemp(dir=scratch))
        (compile_box / "hello.c").write_text(HELLO_C)
        built = sandbox.run(
            ["/usr/bin/gcc", "-O1", "-o", "hello", "hello.c"],
            workdir=compile_box,
            stdin=b"",
            limits=LIMITS.set_to(LimitOverrides(file_size_kb=65536)),
        )
        assert built.exit_code == 0, built.stderr
        for box in boxes:
            shutil.copy(compile_box / "hello", box / "hello")

        programs = {
            "/bin/true": ["/bin/true"],
            "C hello": ["./hello"],
            "python3 -c pass": ["/usr/bin/python3", "-c", "pass"],
        }
        for name, argv in programs.items():
            one = sandboxed(sandbox, argv, boxes)
            one(0)  # warm the page cache
            sequential = timed(args.runs, 1, one)
            parallel = timed(args.runs, args.threads, one)
            print(f"{name:<18} {sequential:>6.1f} runs/s sequential   "
                  f"{parallel:>6.1f} runs/s on {args.threads} threads  "
                  f"({1000 / sequential:.1f} ms a run)")  # fmt: skip

        for box in boxes:
            (box / "main.py").write_text("pass\n")
            (box / "main.py").chmod(0o644)
        sequential = warm_runs(sandbox, boxes[:1], args.runs)
        parallel = warm_runs(sandbox, boxes, args.runs)
        print(f"{'python3 warm':<18} {sequential:>6.1f} runs/s sequential   "
              f"{parallel:>6.1f} runs/s on {len(boxes)} threads  "
              f"({1000 / sequential:.1f} ms a run; one fork server per thread, "
              "as one per submission)")  # fmt: skip

        bare = timed(args.runs, 1, bare_bwrap(boxes[0]))
        print(
            f"{'bwrap alone':<18} {bare:>6.1f} runs/s sequential   "
            f"({1000 / bare:.1f} ms: namespaces and mounts, no uid, cgroup or rlimits)"
        )
        if sandbox._cgroups is not None:
            host = sandbox._cgroups

            def cgroup_only(i: int) -> None:
                host.create(LIMITS, processes=66).remove()

            groups = timed(args.runs, 1, cgroup_only)
            print(
                f"{'cgroup make+remove':<18} {groups:>6.1f} /s sequential          "
                f"({1000 / groups:.2f} ms)"
            )
        if args.languages:
            ids = sorted(languages()) if args.languages == "all" else args.languages.split(",")
            cache = Path(tempfile.mkdtemp(dir=scratch))
            cache.chmod(0o755)  # the runs' uids walk it to their /box
            language_runs(sandbox, cache, ids, args.runs, args.threads)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
