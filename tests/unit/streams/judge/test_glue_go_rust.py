"""The Go and Rust harnesses' glue, generated per signature, and their place in the build."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from schemas.judge.records import FunctionSignature
from streams.judge.catalog import PROBLEMS_ROOT
from streams.judge.harness import HarnessError, harnesses, load_harness
from streams.judge.harness.go_glue import glue as go_glue
from streams.judge.harness.go_glue import go_type
from streams.judge.harness.rust_glue import glue as rust_glue
from streams.judge.harness.rust_glue import method_name, rust_type
from streams.judge.languages import load_languages

TABLE = load_languages(toolchains=Path("/opt/tc"))
TWO_SUM = FunctionSignature(
    name="twoSum", params=["nums", "target"], types=["int[]", "int"], returns="int[]"
)


@pytest.mark.parametrize(
    ("value_type", "go", "rust"),
    [
        ("int", "int", "i32"),
        ("long", "int64", "i64"),
        ("double", "float64", "f64"),
        ("bool", "bool", "bool"),
        ("string", "string", "String"),
        ("int[]", "[]int", "Vec<i32>"),
        ("string[][]", "[][]string", "Vec<Vec<String>>"),
        ("long[][][]", "[][][]int64", "Vec<Vec<Vec<i64>>>"),
    ],
)
def test_each_value_type_has_its_go_and_rust_type(value_type: str, go: str, rust: str) -> None:
    assert go_type(value_type) == go
    assert rust_type(value_type) == rust


@pytest.mark.parametrize("value_type", ["char", "int[", "[]int", "map", "Integer[]", ""])
def test_a_type_outside_the_judges_language_is_refused(value_type: str) -> None:
    with pytest.raises(HarnessError, match=r"^go: .* not a value type"):
        go_type(value_type)
    with pytest.raises(HarnessError, match=r"^rust: .* not a value type"):
        rust_type(value_type)


def test_the_go_glue_decodes_each_argument_into_its_type_and_calls_the_function() -> None:
    code = go_glue(TWO_SUM)
    assert code.startswith("// Generated") and "\npackage main\n" in code
    assert "func main() {" in code
    assert "var arg0 []int\n" in code and "var arg1 int\n" in code
    assert "json.Unmarshal(onelogArgs[0], &arg0)" in code
    assert "json.Unmarshal(onelogArgs[1], &arg1)" in code
    assert "if len(onelogArgs) != 2 {" in code
    assert "onelogResult := twoSum(arg0, arg1)\n" in code


def test_the_go_glue_runs_the_function_with_os_stdout_on_stderr() -> None:
    code = go_glue(TWO_SUM)
    redirected = code.index("os.Stdout = os.Stderr")
    called = code.index("twoSum(arg0, arg1)")
    restored = code.index("os.Stdout = onelogStdout")
    assert code.index("onelogStdout := os.Stdout") < redirected < called < restored
    assert "onelogPrint(onelogStdout, onelogResult)" in code


def test_the_rust_glue_is_a_crate_root_around_the_learners_impl() -> None:
    code = rust_glue(TWO_SUM)
    assert "pub struct Solution;\n" in code
    assert 'include!("main.rs");' in code
    assert "mod onelog_json;" in code
    assert "fn main() {" in code
    assert 'let arg0: Vec<i32> = onelog_json::arg(&args, 0, "nums", "int[]");' in code
    assert 'let arg1: i32 = onelog_json::arg(&args, 1, "target", "int");' in code
    assert "with_stdout_on_stderr(|| Solution::two_sum(arg0, arg1))" in code
    assert 'read_args("two_sum", 2)' in code


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("twoSum", "two_sum"),
        ("search", "search"),
        ("lengthOfLongestSubstring", "length_of_longest_substring"),
        ("isValid", "is_valid"),
    ],
)
def test_the_rust_method_is_leetcodes_snake_case(name: str, method: str) -> None:
    assert method_name(name) == method


@pytest.mark.parametrize("glue", [go_glue, rust_glue])
def test_parameters_named_as_keywords_never_become_identifiers(glue: object) -> None:
    # `type` is a keyword in Go and Rust; the glue's locals are arg0, arg1, ...
    function = FunctionSignature(
        name="f", params=["type", "fn"], types=["int", "bool"], returns="int"
    )
    code = glue(function)  # type: ignore[operator]
    assert not re.search(r"\b(var|let) (type|fn)\b", code)
    assert "arg0" in code and "arg1" in code


@pytest.mark.parametrize("glue", [go_glue, rust_glue])
def test_a_name_that_is_no_identifier_is_the_judges_error(glue: object) -> None:
    hostile = FunctionSignature(name="f(); evil", params=["n"], types=["int"], returns="int")
    with pytest.raises(HarnessError, match="not a function name"):
        glue(hostile)  # type: ignore[operator]


@pytest.mark.parametrize("glue", [go_glue, rust_glue])
def test_a_signature_without_types_or_with_an_unknown_result_is_refused(glue: object) -> None:
    bad = FunctionSignature.model_construct(name="f", params=["x"], types=["int"], returns="char")
    with pytest.raises(HarnessError):
        glue(bad)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("language_id", "glue_file", "helper"),
    [("go", "harness.go", "onelog_json.go"), ("rust", "harness.rs", "onelog_json.rs")],
)
def test_the_harness_writes_its_glue_and_its_json_helper(
    language_id: str, glue_file: str, helper: str
) -> None:
    files = harnesses()[language_id].files_for(TWO_SUM)
    assert set(files) == {glue_file, helper}
    assert "twoSum" in files[glue_file]


def test_a_harness_with_glue_refuses_a_signature_without_types() -> None:
    untyped = FunctionSignature(name="twoSum", params=["nums", "target"])
    with pytest.raises(HarnessError, match="parameter types"):
        harnesses()["go"].files_for(untyped)


def test_go_builds_the_glue_and_the_helper_in_the_learners_package() -> None:
    argv = harnesses()["go"].compile_argv(TABLE["go"])
    language = TABLE["go"].compile
    assert language is not None and argv == (*language, "harness.go", "onelog_json.go")
    assert harnesses()["go"].run_argv(TABLE["go"], "twoSum") == ("./main", "twoSum")


def test_rustc_compiles_the_glue_as_the_crate_root_in_place_of_main_rs() -> None:
    argv = harnesses()["rust"].compile_argv(TABLE["rust"])
    language = TABLE["rust"].compile
    assert language is not None and language[-1] == "main.rs"
    assert argv == (*language[:-1], "harness.rs")


def test_a_compile_replace_that_does_not_fit_the_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rust.toml"
    path.write_text(
        'language = "rust"\nfiles = []\n[compile]\nreplace = "lib.rs"\nwith = ["h.rs"]\n'
        '[run]\nreplace = "./main"\nwith = ["./main"]\n'
    )
    with pytest.raises(HarnessError, match=re.escape("not the input 'lib.rs'")):
        load_harness(path).compile_argv(TABLE["rust"])


@pytest.mark.parametrize(
    "compile_table", ['replace = "main.rs"\n', 'with = ["h.rs"]\n', 'replace = 3\nwith = ["h"]\n']
)
def test_a_compile_replace_needs_both_its_input_and_its_stand_in(
    tmp_path: Path, compile_table: str
) -> None:
    path = tmp_path / "rust.toml"
    path.write_text(
        f'language = "rust"\nfiles = []\n[compile]\n{compile_table}'
        '[run]\nreplace = "./main"\nwith = ["./main"]\n'
    )
    with pytest.raises(HarnessError, match=r"\[compile\]"):
        load_harness(path)


def _function_problems() -> list[tuple[str, dict[str, object]]]:
    found = []
    for toml in sorted(PROBLEMS_ROOT.glob("*/problem.toml")):
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        if data.get("kind") == "function":
            found.append((toml.parent.name, data["function"]))
    return found


FUNCTION_PROBLEMS = _function_problems()


@pytest.mark.parametrize(
    ("slug", "function"), FUNCTION_PROBLEMS, ids=[s for s, _ in FUNCTION_PROBLEMS]
)
def test_the_go_and_rust_starters_declare_what_the_glue_calls(
    slug: str, function: dict[str, list[str] | str]
) -> None:
    # A starter whose signature the glue cannot call would fail every learner at compile time.
    name, params, types, returns = (function[k] for k in ("name", "params", "types", "returns"))
    assert isinstance(name, str) and isinstance(returns, str)
    go_params = ", ".join(f"{p} {go_type(t)}" for p, t in zip(params, types, strict=True))
    rust_params = ", ".join(f"{p}: {rust_type(t)}" for p, t in zip(params, types, strict=True))
    folder = PROBLEMS_ROOT / slug
    for kind in ("starter", "solutions"):
        assert (folder / kind / "main.go").exists() and (folder / kind / "main.rs").exists()
    starter_go = (folder / "starter" / "main.go").read_text(encoding="utf-8")
    starter_rs = (folder / "starter" / "main.rs").read_text(encoding="utf-8")
    assert f"func {name}({go_params}) {go_type(returns)} {{" in starter_go
    assert f"pub fn {method_name(name)}({rust_params}) -> {rust_type(returns)} {{" in starter_rs
    assert "func main(" not in starter_go and "fn main(" not in starter_rs
    assert "struct Solution" not in starter_rs.replace("`struct Solution;`", "")
