"""Learners' sources for the typed harnesses' tests, one set per language, and
what each language's harness is expected to say about them.

Every language gets the same three functions (test_typed_harnesses.py's
ECHO, DOUBLES and NESTED), written as that language's LeetCode convention
declares them. Each echoWords prints on the way, with and without a newline,
and gives up on "panic"; each spread returns an empty row for `false`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Learner:
    sources: dict[str, str]  # function name -> the learner's main file
    noise: tuple[bytes, ...]  # what echoWords's prints must leave on stderr
    # An uncaught crash in C and C++ ends in abort(): a signal, not an exit code.
    crashes_by_signal: bool
    missing: tuple[int, tuple[bytes, ...]]  # exit code, and one of these on stderr, for `[]`
    # Exit code and message for `[[1, 2]]` where string[] is declared; None where unchecked.
    mistyped: tuple[int, bytes] | None = None


_C = {
    "echoWords": r"""#include <stdio.h>
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
    "halves": r"""#include <stdlib.h>

double* halves(double* xs, int xsSize, int* returnSize) {
    double* out = malloc(sizeof(double) * (xsSize + 1));
    for (int i = 0; i < xsSize; i++) out[i] = xs[i] / 2;
    *returnSize = xsSize;
    return out;
}
""",
    "spread": r"""#include <stdbool.h>
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
}

_CPP = {
    "echoWords": r"""#include <bits/stdc++.h>
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
    "halves": r"""#include <bits/stdc++.h>
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
    "spread": r"""#include <bits/stdc++.h>
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

_GO = {
    "echoWords": """package main

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
    "halves": """package main

func halves(xs []float64) []float64 {
\tout := []float64{}
\tfor _, x := range xs {
\t\tout = append(out, x/2)
\t}
\treturn out
}
""",
    "spread": """package main

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
}

_RUST = {
    "echoWords": """impl Solution {
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
    "halves": """impl Solution {
    pub fn halves(xs: Vec<f64>) -> Vec<f64> {
        xs.iter().map(|x| x / 2.0).collect()
    }
}
""",
    "spread": """impl Solution {
    pub fn spread(big: i64, flags: Vec<bool>) -> Vec<Vec<i64>> {
        flags.iter().map(|&f| if f { vec![big, -big] } else { vec![] }).collect()
    }
}
""",
}

_CSHARP = {
    "echoWords": """using System;

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
    "halves": """using System.Linq;

public class Solution {
    public double[] Halves(double[] xs) {
        return xs.Select(x => x / 2).ToArray();
    }
}
""",
    # LeetCode's C# returns lists: the result prints from what it is, not its declared type.
    "spread": """using System.Collections.Generic;

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
}

_KOTLIN = {
    "echoWords": """class Solution {
    fun echoWords(words: Array<String>): Array<String> {
        println("noise from the learner")
        print("half a line")
        if (words.firstOrNull() == "panic") throw IllegalStateException("the learner gave up")
        return words
    }
}
""",
    "halves": """class Solution {
    fun halves(xs: DoubleArray): DoubleArray = xs.map { it / 2 }.toDoubleArray()
}
""",
    "spread": """class Solution {
    fun spread(big: Long, flags: BooleanArray): List<LongArray> =
        flags.map { if (it) longArrayOf(big, -big) else longArrayOf() }
}
""",
}

_RUBY = {
    # fd 1 itself, not only $stdout, goes to stderr while the method runs.
    "echoWords": """def echo_words(words)
  puts "noise from the learner"
  print "half a line"
  IO.for_fd(1, autoclose: false).syswrite("straight to fd 1\\n")
  raise "the learner gave up" if words.first == "panic"

  words
end
""",
    "halves": """class Solution
  def halves(xs)
    xs.map { |x| x / 2.0 }
  end
end
""",
    "spread": """class Solution
  def self.spread(big, flags)
    flags.map { |flag| flag ? [big, -big] : [] }
  end
end
""",
}

_C_NOISE = (b"noise from printf", b"noise from write", b"half a line")
_C_MISSING = (2, (b"not an array of 1 arguments",))
_C_MISTYPED = (2, b"is not a string")
_NOISE = (b"noise from the learner\n", b"half a line")
_MISSING = (1, (b"takes 1 arguments, the input has 0",))

LEARNERS = {
    "c": Learner(_C, _C_NOISE, True, _C_MISSING, _C_MISTYPED),
    "cpp": Learner(_CPP, _C_NOISE, True, _C_MISSING, _C_MISTYPED),
    "go": Learner(
        _GO, _NOISE, False, _MISSING, (1, b"argument 1 (words) does not decode as string[]")
    ),
    "rust": Learner(
        _RUST, _NOISE, False, _MISSING, (1, b"argument 1 (words) does not decode as string[]")
    ),
    "csharp": Learner(_CSHARP, _NOISE, False, _MISSING),
    "kotlin": Learner(_KOTLIN, _NOISE, False, _MISSING),
    "ruby": Learner(
        _RUBY,
        _NOISE,
        False,
        (1, (*_MISSING[1], b"wrong number of arguments (given 0, expected 1)")),
    ),
}
