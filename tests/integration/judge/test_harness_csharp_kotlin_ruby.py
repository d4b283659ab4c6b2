"""The C#, Kotlin and Ruby harnesses in the real sandbox: what they carry, what they keep apart.

Real parts only: the glue generated per signature (C#, Kotlin), the real
Toolchain compiling with the language table's argv in the real Sandbox. Needs
root, bubblewrap, mono, ruby and the Kotlin compiler (`python -m
onelog.toolchains csharp kotlin ruby`); needs no Kafka or Redis. One compile
per signature and language (the toolchain's cache serves the rest): Kotlin
compiles slowly.
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

UIDS = (64_200, 2)  # this module's own uid range

ECHO = FunctionSignature(name="echoWords", params=["words"], types=["string[]"], returns="string[]")
DOUBLES = FunctionSignature(name="halves", params=["xs"], types=["double[]"], returns="double[]")
NESTED = FunctionSignature(
    name="spread", params=["big", "flags"], types=["long", "bool[]"], returns="long[][]"
)

# Each learner prints on the way (with and without a newline) and throws on "panic".
SOURCES = {
    ("csharp", "echoWords"): """using System;

public class Solution {
    public string[] EchoWords(string[] words) {
        Console.WriteLine("noise from the learner");
        Console.Write("half a line");
        if (words.Length > 0 && words[0] == "panic") {
            throw new InvalidOperationException("the learner gave up");
        }
        return words;
    }
}
""",
    ("csharp", "halves"): """using System.Linq;

public class Solution {
    public double[] Halves(double[] xs) {
        return xs.Select(x => x / 2).ToArray();
    }
}
""",
    # LeetCode's C# returns lists: the result prints from what it is, not its declared type.
    ("csharp", "spread"): """using System.Collections.Generic;

public class Solution {
    public IList<IList<long>> Spread(long big, bool[] flags) {
        var rows = new List<IList<long>>();
        foreach (bool flag in flags) {
            rows.Add(flag ? new List<long> { big, -big } : new List<long>());
        }
        return rows;
    }
}
""",
    ("kotlin", "echoWords"): """class Solution {
    fun echoWords(words: Array<String>): Array<String> {
        println("noise from the learner")
        print("half a line")
        if (words.firstOrNull() == "panic") throw IllegalStateException("the learner gave up")
        return words
    }
}
""",
    ("kotlin", "halves"): """class Solution {
    fun halves(xs: DoubleArray): DoubleArray = xs.map { it / 2 }.toDoubleArray()
}
""",
    ("kotlin", "spread"): """class Solution {
    fun spread(big: Long, flags: BooleanArray): List<LongArray> =
        flags.map { if (it) longArrayOf(big, -big) else longArrayOf() }
}
""",
    # fd 1 itself, not only $stdout, goes to stderr while the method runs.
    ("ruby", "echoWords"): """def echo_words(words)
  puts "noise from the learner"
  print "half a line"
  IO.for_fd(1, autoclose: false).syswrite("straight to fd 1\\n")
  raise "the learner gave up" if words.first == "panic"

  words
end
""",
    ("ruby", "halves"): """class Solution
  def halves(xs)
    xs.map { |x| x / 2.0 }
  end
end
""",
    ("ruby", "spread"): """class Solution
  def self.spread(big, flags)
    flags.map { |flag| flag ? [big, -big] : [] }
  end
end
""",
}
LANGUAGES = ["csharp", "kotlin", "ruby"]


def _run(
    sandbox: Sandbox,
    toolchain: Toolchain,
    language_id: str,
    function: FunctionSignature,
    stdin: str,
    source: str | None = None,
) -> RunResult:
    language, harness = languages()[language_id], harnesses()[language_id]
    built = toolchain.compile(
        language,
        SOURCES[(language_id, function.name)] if source is None else source,
        files=harness.files_for(function),
        compile_argv=harness.compile_argv(language),
    )
    assert built.ok, built.message
    return sandbox.run(
        harness.run_argv(language, function.name),
        workdir=built.workdir,
        stdin=stdin.encode(),
        limits=DEFAULT_LIMITS.set_to(language.limits),
        read_only=tuple(Path(path) for path in language.read_only),
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


def test_ruby_sends_fd_1_itself_to_stderr(sandbox: Sandbox, toolchain: Toolchain) -> None:
    result = _run(sandbox, toolchain, "ruby", ECHO, '[["x"]]')
    assert result.stdout == b'["x"]\n'
    assert b"straight to fd 1\n" in result.stderr


@pytest.mark.parametrize("language_id", ["csharp", "kotlin"])
def test_doubles_print_as_javascript_prints_them(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[2,0.1,1.5,1e+21,1e-7,-0.25,0]\n"


def test_ruby_doubles_print_as_pythons_and_parse_to_the_same_numbers(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    # Ruby's json keeps the float's ".0", as Python's does; the checker compares parsed JSON.
    result = _run(sandbox, toolchain, "ruby", DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout.startswith(b"[2.0,0.1,1.5,")
    assert json.loads(result.stdout) == [2, 0.1, 1.5, 1e21, 1e-7, -0.25, 0]


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_longs_keep_every_digit_and_empty_lists_print_as_empty_arrays(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, NESTED, "[9007199254740993, [true, false]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[[9007199254740993,-9007199254740993],[]]\n"
    result = _run(sandbox, toolchain, language_id, NESTED, "[1, []]")
    assert result.stdout == b"[]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_an_exception_or_an_input_of_the_wrong_shape_is_a_runtime_error(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    thrown = _run(sandbox, toolchain, language_id, ECHO, '[["panic"]]')
    assert thrown.exit_code not in (0, None)
    assert b"the learner gave up" in thrown.stderr
    assert thrown.stdout == b""
    missing = _run(sandbox, toolchain, language_id, ECHO, "[]")
    assert missing.exit_code == 1 and missing.stdout == b""
    assert b"takes 1 arguments, the input has 0" in missing.stderr or (
        language_id == "ruby"
        and b"wrong number of arguments (given 0, expected 1)" in missing.stderr
    )


def test_ruby_never_calls_a_method_ruby_itself_has(sandbox: Sandbox, toolchain: Toolchain) -> None:
    # `format` is Kernel's: a main.rb that forgot to define it must not get Kernel's called.
    forgot = FunctionSignature(name="format", params=["s"], types=["string"], returns="string")
    result = _run(sandbox, toolchain, "ruby", forgot, '["%d"]', source="def other = 1\n")
    assert result.exit_code == 1 and result.stdout == b""
    assert b"no method format" in result.stderr
