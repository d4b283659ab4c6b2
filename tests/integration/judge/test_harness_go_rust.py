"""The Go and Rust harnesses in the real sandbox: what they carry, what they keep apart.

Real parts only: the glue generated per signature, the real Toolchain
compiling with the language table's argv in the real Sandbox. Needs root,
bubblewrap and /usr/bin/go and /usr/bin/rustc (`python -m onelog.toolchains
go rust`); needs no Kafka or Redis. One compile per signature and language.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from schemas.judge.records import FunctionSignature
from streams.judge.harness import harnesses
from streams.judge.languages import languages
from streams.judge.limits import DEFAULT_LIMITS
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.toolchain import Toolchain

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (64_100, 2)  # this module's own uid range

ECHO = FunctionSignature(name="echoWords", params=["words"], types=["string[]"], returns="string[]")
DOUBLES = FunctionSignature(name="halves", params=["xs"], types=["double[]"], returns="double[]")
NESTED = FunctionSignature(
    name="spread", params=["big", "flags"], types=["long", "bool[]"], returns="long[][]"
)

# Each learner prints on the way (with and without a newline) and panics on "panic".
SOURCES = {
    ("go", "echoWords"): """package main

import "fmt"

func echoWords(words []string) []string {
\tfmt.Println("noise from the learner")
\tfmt.Print("half a line")
\tif len(words) > 0 && words[0] == "panic" {
\t\tpanic("the learner gave up")
\t}
\treturn words
}
""",
    ("go", "halves"): """package main

func halves(xs []float64) []float64 {
\tout := []float64{}
\tfor _, x := range xs {
\t\tout = append(out, x/2)
\t}
\treturn out
}
""",
    ("go", "spread"): """package main

// A nil slice, inside and out, must print as [].
func spread(big int64, flags []bool) [][]int64 {
\tvar rows [][]int64
\tfor _, flag := range flags {
\t\tif flag {
\t\t\trows = append(rows, []int64{big, -big})
\t\t} else {
\t\t\trows = append(rows, nil)
\t\t}
\t}
\treturn rows
}
""",
    ("rust", "echoWords"): """impl Solution {
    pub fn echo_words(words: Vec<String>) -> Vec<String> {
        println!("noise from the learner");
        print!("half a line");
        if words.first().map(|w| w == "panic").unwrap_or(false) {
            panic!("the learner gave up");
        }
        words
    }
}
""",
    ("rust", "halves"): """impl Solution {
    pub fn halves(xs: Vec<f64>) -> Vec<f64> {
        xs.iter().map(|x| x / 2.0).collect()
    }
}
""",
    ("rust", "spread"): """impl Solution {
    pub fn spread(big: i64, flags: Vec<bool>) -> Vec<Vec<i64>> {
        flags.iter().map(|&f| if f { vec![big, -big] } else { vec![] }).collect()
    }
}
""",
}
LANGUAGES = ["go", "rust"]


def _run(
    sandbox: Sandbox,
    toolchain: Toolchain,
    language_id: str,
    function: FunctionSignature,
    stdin: str,
) -> RunResult:
    language, harness = languages()[language_id], harnesses()[language_id]
    built = toolchain.compile(
        language,
        SOURCES[(language_id, function.name)],
        files=harness.files_for(function),
        compile_argv=harness.compile_argv(language),
    )
    assert built.ok, built.message
    return sandbox.run(
        harness.run_argv(language, function.name),
        workdir=built.workdir,
        stdin=stdin.encode(),
        limits=DEFAULT_LIMITS.set_to(language.limits),
        writable_workdir=False,
    )


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_strings_come_back_as_every_harness_prints_them_and_the_learners_prints_go_to_stderr(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    words = ["a<b>&c", 'quote " back \\ slash', "tab\tnew\nline\b\f\x01", "ünï 漢字 🙂", ""]
    result = _run(sandbox, toolchain, language_id, ECHO, json.dumps([words]))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    # Python's harness prints exactly this: the form the expected outputs are written in.
    assert (
        result.stdout.decode()
        == json.dumps(words, separators=(",", ":"), ensure_ascii=False) + "\n"
    )
    assert b"noise from the learner\n" in result.stderr and b"half a line" in result.stderr


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_doubles_print_as_javascript_prints_them(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[2,0.1,1.5,1e+21,1e-7,-0.25,0]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_longs_keep_every_digit_and_empty_slices_print_as_empty_arrays(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, NESTED, "[9007199254740993, [true, false]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[[9007199254740993,-9007199254740993],[]]\n"
    result = _run(sandbox, toolchain, language_id, NESTED, "[1, []]")
    assert result.stdout == b"[]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_a_panic_or_an_argument_of_the_wrong_type_is_a_runtime_error(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    panicked = _run(sandbox, toolchain, language_id, ECHO, '[["panic"]]')
    assert panicked.exit_code not in (0, None)
    assert b"the learner gave up" in panicked.stderr
    assert panicked.stdout == b""
    mistyped = _run(sandbox, toolchain, language_id, ECHO, "[[1, 2]]")
    assert mistyped.exit_code == 1
    assert b"argument 1 (words) does not decode as string[]" in mistyped.stderr
    missing = _run(sandbox, toolchain, language_id, ECHO, "[]")
    assert missing.exit_code == 1
    assert b"takes 1 arguments, the input has 0" in missing.stderr
