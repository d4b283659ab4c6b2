"""The C and C++ glue: each argument converted to its declared type, then the call."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from schemas.judge.records import FunctionSignature
from streams.judge.harness import HARNESS_ROOT, HarnessError, c_glue, cpp_glue, harnesses
from streams.judge.languages import load_languages

TWO_SUM = FunctionSignature(
    name="twoSum", params=["nums", "target"], types=["int[]", "int"], returns="int[]"
)
GROUP_ANAGRAMS = FunctionSignature(
    name="groupAnagrams", params=["strs"], types=["string[]"], returns="string[][]"
)


def _unchecked(types: list[str], returns: str, name: str = "f") -> FunctionSignature:
    # The record refuses these itself; the glue must still refuse them on its own.
    return FunctionSignature.model_construct(
        name=name, params=[f"p{i}" for i in range(len(types))], types=types, returns=returns
    )


# --- C++ ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("int", "int"),
        ("long", "long long"),
        ("double", "double"),
        ("bool", "bool"),
        ("string", "std::string"),
        ("int[]", "std::vector<int>"),
        ("string[][]", "std::vector<std::vector<std::string>>"),
        ("long[][][]", "std::vector<std::vector<std::vector<long long>>>"),
    ],
)
def test_cpp_declares_each_argument_as_its_cpp_type(type_: str, expected: str) -> None:
    source = cpp_glue.glue(FunctionSignature(name="f", params=["x"], types=[type_], returns=type_))
    assert f"    {expected} a0;\n" in source
    assert f"a0 = onelog_json::from<{expected}>(args.items[0]);" in source
    assert f"    {expected} result = Solution().f(a0);" in source


def test_cpp_glue_includes_the_precompiled_header_first_and_calls_the_solution() -> None:
    source = cpp_glue.glue(TWO_SUM)
    includes = re.findall(r"^#include .*$", source, re.MULTILINE)
    assert includes[:2] == ["#include <bits/stdc++.h>", '#include "main.cpp"']
    assert "args.items.size() != 2" in source
    assert "std::vector<int> result = Solution().twoSum(a0, a1);" in source
    # The learner's output is sent to stderr while the method runs, and back after.
    call = source.index("Solution().twoSum")
    assert source.index("dup2(2, 1);") < call < source.index("dup2(result_fd, 1);")
    assert source.index("std::cout.rdbuf(std::cerr.rdbuf())") < call


@pytest.mark.parametrize("glue", [cpp_glue.glue, c_glue.glue])
def test_a_type_outside_the_judges_language_is_the_harness_error(
    glue: Callable[[FunctionSignature], str],
) -> None:
    with pytest.raises(HarnessError, match="'float' is not a value type"):
        glue(_unchecked(["float"], "int"))
    with pytest.raises(HarnessError, match="'int\\[\\]x' is not a value type"):
        glue(_unchecked(["int"], "int[]x"))


@pytest.mark.parametrize("glue", [cpp_glue.glue, c_glue.glue])
def test_a_name_the_glue_cannot_call_is_the_harness_error(
    glue: Callable[[FunctionSignature], str],
) -> None:
    with pytest.raises(HarnessError, match="not a function name"):
        glue(_unchecked(["int"], "int", name="two-sum"))


# --- C -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "returns", "expected"),
    [
        (["int[]", "int"], "int[]", "int* f(int*, int, int, int*)"),
        (["int[][]"], "int[][]", "int** f(int**, int, int*, int*, int**)"),
        (["string[]"], "string[][]", "char*** f(char**, int, int*, int**)"),
        (["string"], "bool", "bool f(char*)"),
        (["long", "double"], "string", "char* f(long long, double)"),
        (["bool[]"], "double[]", "double* f(bool*, int, int*)"),
    ],
)
def test_c_declares_leetcodes_c_prototype(types: list[str], returns: str, expected: str) -> None:
    function = FunctionSignature(
        name="f", params=[f"p{i}" for i in range(len(types))], types=types, returns=returns
    )
    assert c_glue.prototype(function) == expected
    assert f"\n{expected};\n" in c_glue.glue(function)


def test_c_glue_marshals_pointer_and_size_and_returns_through_return_size() -> None:
    source = c_glue.glue(TWO_SUM)
    assert "onelog_read_arguments(2);" in source
    assert "int* a0 = onelog_as_int_array(&args.items[0], &a0_size);" in source
    assert "int a1 = onelog_as_int(&args.items[1]);" in source
    assert "int* result = twoSum(a0, a0_size, a1, &result_size);" in source
    assert "onelog_write_int_array(&out, result, result_size);" in source
    call = source.index("twoSum(a0")
    assert source.index("dup2(2, 1);") < call < source.index("dup2(result_fd, 1);")


def test_c_glue_marshals_rows_with_their_column_sizes() -> None:
    source = c_glue.glue(GROUP_ANAGRAMS)
    assert "char*** result = groupAnagrams(a0, a0_size, &result_size, &result_cols);" in source
    assert "onelog_write_string_matrix(&out, result, result_size, result_cols);" in source
    grid = c_glue.glue(
        FunctionSignature(name="g", params=["grid"], types=["int[][]"], returns="int")
    )
    assert "int** a0 = onelog_as_int_matrix(&args.items[0], &a0_size, &a0_cols);" in grid
    assert "int result = g(a0, a0_size, a0_cols);" in grid


def test_c_refuses_arrays_nested_deeper_than_leetcodes_convention() -> None:
    deep = FunctionSignature(name="f", params=["x"], types=["int[][][]"], returns="int")
    with pytest.raises(HarnessError, match="at most 2 levels"):
        c_glue.glue(deep)
    with pytest.raises(HarnessError, match="at most 2 levels"):
        c_glue.glue(FunctionSignature(name="f", params=["x"], types=["int"], returns="bool[][][]"))


def test_every_c_helper_the_table_names_is_defined_in_the_header() -> None:
    header = (HARNESS_ROOT / "onelog_json.h").read_text(encoding="utf-8")
    for c_type, suffix in c_glue.C_SCALARS.values():
        assert f"onelog_as_{suffix}(const onelog_value *v)" in header
        assert f"onelog_write_{suffix}(onelog_out *o, " in header
        assert f"ONELOG_ARRAYS({suffix}, {c_type.replace('*', ' *')})" in header
        assert f"ONELOG_WRITE_ARRAYS({suffix}, {c_type.replace('*', ' *')})" in header


# --- the harnesses as the evaluation uses them ----------------------------------------


def test_cpp_compiles_the_glue_alone_which_includes_the_learners_file() -> None:
    harness = harnesses()["cpp"]
    language = load_languages()["cpp"]
    argv = harness.compile_argv(language)
    assert argv is not None
    assert language.compile is not None
    assert argv[-1] == "glue.cpp" and "main.cpp" not in argv
    assert argv[:-1] == language.compile[:-1]
    assert set(harness.files_for(TWO_SUM)) == {"onelog_json.hpp", "glue.cpp"}


def test_c_compiles_the_glue_beside_the_learners_file() -> None:
    harness = harnesses()["c"]
    language = load_languages()["c"]
    assert language.compile is not None
    assert harness.compile_argv(language) == (*language.compile, "glue.c")
    assert set(harness.files_for(TWO_SUM)) == {"onelog_json.h", "glue.c"}
    assert harness.files_for(TWO_SUM)["glue.c"] == c_glue.glue(TWO_SUM)
