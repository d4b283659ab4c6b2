"""Every language in the table, compiled and run in the real sandbox.

Needs the toolchains (`python -m onelog.toolchains`, which `infra/onelog test`
runs) and bubblewrap; needs no Kafka or Redis.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.judge.languages import Language, languages
from streams.judge.limits import DEFAULT_LIMITS, Limits
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Compiled, Toolchain

LANGUAGES = sorted(languages())
COMPILED = sorted(i for i, language in languages().items() if language.compiled)

HELLO = {
    "c": '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n',
    "cpp": '#include <iostream>\nint main() { std::cout << "Hello, World!" << std::endl; }\n',
    "csharp": 'class P { static void Main() { System.Console.WriteLine("Hello, World!"); } }\n',
    "go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("Hello, World!") }\n',
    "java": "public class Main { public static void main(String[] a) {"
    ' System.out.println("Hello, World!"); } }\n',
    "javascript": 'console.log("Hello, World!");\n',
    "kotlin": 'fun main() { println("Hello, World!") }\n',
    "python": 'print("Hello, World!")\n',
    "ruby": 'puts "Hello, World!"\n',
    "rust": 'fn main() { println!("Hello, World!"); }\n',
    "typescript": 'const greeting: string = "Hello, World!";\nconsole.log(greeting);\n',
    "php": '<?php\necho "Hello, World!\\n";\n',
    "perl": 'print "Hello, World!\\n";\n',
    "lua": 'print("Hello, World!")\n',
    "bash": 'echo "Hello, World!"\n',
    "sqlite": "SELECT 'Hello, World!';\n",
    "tcl": 'puts "Hello, World!"\n',
    "awk": 'BEGIN { print "Hello, World!" }\n',
    "fortran": "program main\n    print '(A)', 'Hello, World!'\nend program main\n",
    "pascal": "program Main;\nbegin\n    WriteLn('Hello, World!');\nend.\n",
    "d": 'import std.stdio;\n\nvoid main() { writeln("Hello, World!"); }\n',
    "commonlisp": '(format t "Hello, World!~%")\n',
    "prolog": 'main :- writeln("Hello, World!").\n',
    "cobol": "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nPROCEDURE DIVISION.\n"
    '    DISPLAY "Hello, World!"\n    STOP RUN.\n',
    "ocaml": 'let () = print_endline "Hello, World!"\n',
    "erlang": '-module(main).\n-export([main/1]).\n\nmain(_) -> io:format("Hello, World!~n").\n',
    "elixir": 'IO.puts("Hello, World!")\n',
    "scheme": '(display "Hello, World!")\n(newline)\n',
}

# Each broken the way a learner breaks it; the compiler must name the problem.
BROKEN = {
    "c": ("int main(void) { return undefined_name; }\n", "undefined_name"),
    "cpp": ("int main() { std::vector<int> v; }\n", "vector"),
    "csharp": ('class P { static void Main() { int x = "s"; } }\n', "CS0029"),
    "go": ('package main\n\nfunc main() { var x int = "s" }\n', "cannot use"),
    "java": (
        'public class Main { public static void main(String[] a) { int x = "s"; } }\n',
        "incompatible types",
    ),
    "kotlin": ('fun main() { val x: Int = "s" }\n', "type mismatch"),
    "rust": ('fn main() { let x: i32 = "s"; }\n', "mismatched types"),
    "typescript": ('const x: number = "s";\nconsole.log(x);\n', "TS2322"),
    "fortran": (
        'program main\n    integer :: x\n    x = "s"\nend program main\n',
        "cannot convert",
    ),
    "pascal": (
        "program Main;\nvar x: Integer;\nbegin\n    x := 's';\nend.\n",
        "incompatible types",
    ),
    "d": ('void main() { int x = "s"; }\n', "cannot implicitly convert"),
    "cobol": (
        "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nPROCEDURE DIVISION.\n"
        "    DISPLAY UNDEFINED-NAME\n    STOP RUN.\n",
        "is not defined",
    ),
    "ocaml": ('let x : int = "s"\n', "has type string"),
}


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """Work dirs whose parents the runs' uids may walk (pytest's own tmp is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="onelog-languages-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def workdir(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


@pytest.fixture(scope="module")
def toolchain(sandbox: Sandbox, scratch: Path) -> Toolchain:
    return Toolchain(sandbox, scratch / "compile-cache")


def _build(toolchain: Toolchain, language: Language, source: str) -> Compiled:
    for path in language.read_only:
        assert Path(path).exists(), f"{path} missing: run `python -m onelog.toolchains`"
    return toolchain.compile(language, source)


def _run(sandbox: Sandbox, language: Language, compiled: Compiled, stdin: str) -> str:
    result = sandbox.run(
        language.run,
        workdir=compiled.workdir,
        stdin=stdin.encode(),
        limits=_run_limits(language),
        read_only=[Path(p) for p in language.read_only],
        writable_workdir=False,
    )
    stderr = result.stderr.decode(errors="replace")
    assert result.exit_code == 0, f"{language.id}: {result} {stderr}"
    return result.stdout.decode()


def _run_limits(language: Language) -> Limits:
    return DEFAULT_LIMITS.set_to(language.limits)


def test_the_table_covers_the_issue() -> None:
    assert set(LANGUAGES) == set(HELLO)
    assert set(COMPILED) == set(BROKEN)


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_version_prints_inside_the_sandbox(
    sandbox: Sandbox, language_id: str, workdir: Path
) -> None:
    language = languages()[language_id]
    result = sandbox.run(
        language.version,
        workdir=workdir,
        stdin=b"",
        limits=DEFAULT_LIMITS.set_to(language.compile_limits),
        read_only=[Path(p) for p in language.read_only],
    )
    assert result.exit_code == 0, result
    assert (result.stdout + result.stderr).strip()


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_hello_world(sandbox: Sandbox, toolchain: Toolchain, language_id: str) -> None:
    language = languages()[language_id]
    compiled = _build(toolchain, language, HELLO[language_id])
    assert compiled.ok, compiled.message
    assert _run(sandbox, language, compiled, "") == "Hello, World!\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_smoke_reads_stdin_and_sums(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    language = languages()[language_id]
    compiled = _build(toolchain, language, language.smoke.source)
    assert compiled.ok, compiled.message
    assert _run(sandbox, language, compiled, language.smoke.stdin) == language.smoke.expected
    assert _run(sandbox, language, compiled, "-5 5\n7") == "7\n"


@pytest.mark.parametrize("language_id", COMPILED)
def test_a_compile_error_gives_the_compilers_message(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    language = languages()[language_id]
    source, hint = BROKEN[language_id]
    compiled = _build(toolchain, language, source)
    assert not compiled.ok
    assert hint.lower() in compiled.message.lower(), compiled.message
    again = toolchain.compile(language, source)
    assert again.cached and not again.ok and again.message == compiled.message


@pytest.mark.parametrize("language_id", ["cpp", "java"])
def test_a_second_compile_of_the_same_source_is_a_cache_hit(
    toolchain: Toolchain, language_id: str
) -> None:
    language = languages()[language_id]
    source = language.smoke.source + "\n// cache test\n"
    first = toolchain.compile(language, source)
    second = toolchain.compile(language, source)
    assert first.ok and not first.cached
    assert second.ok and second.cached and second.workdir == first.workdir
    assert second.time_ms < 50 <= first.time_ms


def test_the_cpp_precompiled_header_is_used(sandbox: Sandbox, workdir: Path) -> None:
    cpp = languages()["cpp"]
    (workdir / "main.cpp").write_text(cpp.smoke.source)
    assert cpp.compile is not None
    result = sandbox.run(
        [*cpp.compile, "-H"],
        workdir=workdir,
        stdin=b"",
        limits=DEFAULT_LIMITS.set_to(cpp.compile_limits),
        read_only=[Path(p) for p in cpp.read_only],
        writable_workdir=True,
    )
    assert result.exit_code == 0, result.stderr
    # g++ -H marks a header it took from a usable .gch with "!".
    assert b"! " in result.stderr and b"stdc++.h.gch" in result.stderr


def test_the_sandbox_sees_no_rustup_or_host_go() -> None:
    """The table's compilers are Debian's, under /usr; not the ones in /root or /usr/local."""
    rust = languages()["rust"]
    assert rust.compile is not None and rust.compile[0] == "/usr/bin/rustc"
    out = subprocess.run([rust.compile[0], "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("rustc ")
