"""The C and C++ harnesses in the real sandbox: what they carry, what they keep apart.

Real parts only: the glue generated per signature, the real Toolchain
compiling with the language table's argv in the real Sandbox. Needs root,
bubblewrap, gcc and g++ with the cpp toolchain's precompiled header
(`python -m onelog.toolchains c cpp`); needs no Kafka or Redis.
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

UIDS = (64_000, 2)  # this module's own uid range

ECHO = FunctionSignature(name="echoWords", params=["words"], types=["string[]"], returns="string[]")
DOUBLES = FunctionSignature(name="halves", params=["xs"], types=["double[]"], returns="double[]")
NESTED = FunctionSignature(
    name="spread", params=["big", "flags"], types=["long", "bool[]"], returns="long[][]"
)

# Each learner prints on the way, through every path to fd 1 (with and without a
# newline), and gives up on "panic".
SOURCES = {
    ("c", "echoWords"): r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char** echoWords(char** words, int wordsSize, int* returnSize) {
    printf("noise from printf\n");
    puts("noise from puts");
    write(1, "noise from write\n", 17);
    printf("half a line");
    if (wordsSize > 0 && strcmp(words[0], "panic") == 0) {
        fprintf(stderr, "the learner gave up\n");
        abort();
    }
    *returnSize = wordsSize;
    return words;
}
""",
    ("c", "halves"): r"""#include <stdlib.h>

double* halves(double* xs, int xsSize, int* returnSize) {
    double* out = malloc(sizeof(double) * (xsSize + 1));
    for (int i = 0; i < xsSize; i++) out[i] = xs[i] / 2;
    *returnSize = xsSize;
    return out;
}
""",
    ("c", "spread"): r"""#include <stdbool.h>
#include <stdlib.h>

long long** spread(long long big, bool* flags, int flagsSize, int* returnSize,
                   int** returnColumnSizes) {
    long long** rows = malloc(sizeof(long long*) * (flagsSize + 1));
    *returnColumnSizes = malloc(sizeof(int) * (flagsSize + 1));
    for (int i = 0; i < flagsSize; i++) {
        rows[i] = malloc(sizeof(long long) * 2);
        rows[i][0] = big;
        rows[i][1] = -big;
        (*returnColumnSizes)[i] = flags[i] ? 2 : 0;
    }
    *returnSize = flagsSize;
    return rows;
}
""",
    ("cpp", "echoWords"): r"""#include <bits/stdc++.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<string> echoWords(vector<string>& words) {
        cout << "noise from cout" << endl;
        printf("noise from printf\n");
        write(1, "noise from write\n", 17);
        cout << "half a line";
        if (!words.empty() && words[0] == "panic") throw runtime_error("the learner gave up");
        return words;
    }
};
""",
    ("cpp", "halves"): r"""#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<double> halves(const vector<double>& xs) {
        vector<double> out;
        for (double x : xs) out.push_back(x / 2);
        return out;
    }
};
""",
    ("cpp", "spread"): r"""#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<vector<long long>> spread(long long big, vector<bool> flags) {
        vector<vector<long long>> rows;
        for (bool flag : flags) {
            rows.push_back(flag ? vector<long long>{big, -big} : vector<long long>{});
        }
        return rows;
    }
};
""",
}
LANGUAGES = ["c", "cpp"]


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
    words = ["plain", 'quote " and \\ backslash', "tab\tnewline\n", "é ü 日本", "\x01 control", ""]
    result = _run(sandbox, toolchain, language_id, ECHO, json.dumps([words]))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    # Python's harness prints exactly this: the form the expected outputs are written in.
    assert (
        result.stdout.decode()
        == json.dumps(words, separators=(",", ":"), ensure_ascii=False) + "\n"
    )
    assert b"noise from printf" in result.stderr
    assert b"noise from write" in result.stderr
    assert b"half a line" in result.stderr


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_doubles_print_as_javascript_prints_them(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[2,0.1,1.5,1e+21,1e-7,-0.25,0]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_longs_keep_every_digit_and_empty_rows_print_as_empty_arrays(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, NESTED, "[9007199254740993, [true, false]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[[9007199254740993,-9007199254740993],[]]\n"
    result = _run(sandbox, toolchain, language_id, NESTED, "[1, []]")
    assert result.stdout == b"[]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_a_crash_or_an_argument_of_the_wrong_type_is_a_runtime_error(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    crashed = _run(sandbox, toolchain, language_id, ECHO, '[["panic"]]')
    assert crashed.exit_code != 0
    assert b"the learner gave up" in crashed.stderr
    assert crashed.stdout == b""
    mistyped = _run(sandbox, toolchain, language_id, ECHO, "[[1, 2]]")
    assert mistyped.exit_code == 2
    assert b"is not a string" in mistyped.stderr
    missing = _run(sandbox, toolchain, language_id, ECHO, "[]")
    assert missing.exit_code == 2
    assert b"not an array of 1 arguments" in missing.stderr
