"""The C# and Kotlin glue: each argument converted to its declared type, then the call."""

from __future__ import annotations

import pytest

from schemas.judge.records import FunctionSignature
from streams.judge.harness import HarnessError, csharp_glue, harnesses, kotlin_glue

TWO_SUM = FunctionSignature(
    name="twoSum", params=["nums", "target"], types=["int[]", "int"], returns="int[]"
)


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("int", "OnelogJson.ToInt(x)"),
        ("long", "OnelogJson.ToLong(x)"),
        ("double", "OnelogJson.ToDouble(x)"),
        ("bool", "OnelogJson.ToBool(x)"),
        ("string", "OnelogJson.ToStr(x)"),
        ("int[]", "OnelogJson.ToArray(x, v0 => OnelogJson.ToInt(v0))"),
        (
            "string[][]",
            "OnelogJson.ToArray(x, v0 => OnelogJson.ToArray(v0, v1 => OnelogJson.ToStr(v1)))",
        ),
    ],
)
def test_csharp_converts_to_the_declared_type(type_: str, expected: str) -> None:
    assert csharp_glue.conversion(type_, "x") == expected


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("int", "OnelogJson.int(x)"),
        ("bool", "OnelogJson.bool(x)"),
        ("string", "OnelogJson.str(x)"),
        # LeetCode's Kotlin takes IntArray (the JVM's int[]), not Array<Int>.
        ("int[]", "OnelogJson.ints(x)"),
        ("long[]", "OnelogJson.longs(x)"),
        ("double[]", "OnelogJson.doubles(x)"),
        ("bool[]", "OnelogJson.bools(x)"),
        ("string[]", "OnelogJson.array(x) { v0 -> OnelogJson.str(v0) }"),
        ("int[][]", "OnelogJson.array(x) { v0 -> OnelogJson.ints(v0) }"),
        (
            "long[][][]",
            "OnelogJson.array(x) { v0 -> OnelogJson.array(v0) { v1 -> OnelogJson.longs(v1) } }",
        ),
    ],
)
def test_kotlin_converts_to_the_declared_type(type_: str, expected: str) -> None:
    assert kotlin_glue.conversion(type_, "x") == expected


def test_csharp_calls_the_pascal_case_method_of_solution() -> None:
    text = csharp_glue.glue(TWO_SUM)
    assert (
        "return new Solution().TwoSum(OnelogJson.ToArray(a[0], v0 => OnelogJson.ToInt(v0)), "
        "OnelogJson.ToInt(a[1]));" in text
    )
    assert "public static class OnelogGlue" in text
    # An input with the wrong number of arguments is named, not an index error.
    assert "if (a.Count != 2)" in text and "TwoSum takes 2 arguments" in text


def test_kotlin_calls_the_method_of_solution_by_its_own_name() -> None:
    text = kotlin_glue.glue(TWO_SUM)
    assert 'OnelogHarness.run(2, "twoSum") { a ->' in text
    assert "Solution().twoSum(OnelogJson.ints(a[0]), OnelogJson.int(a[1]))" in text
    assert text.startswith("// Generated") and "fun main()" in text


@pytest.mark.parametrize("module", [csharp_glue, kotlin_glue])
def test_a_name_that_is_no_identifier_is_the_judges_error(module: object) -> None:
    hostile = FunctionSignature(name="f(); evil", params=["n"], types=["int"], returns="int")
    with pytest.raises(HarnessError, match="not a function name"):
        module.glue(hostile)  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", [csharp_glue, kotlin_glue])
@pytest.mark.parametrize("type_", ["char", "int[", "[]int", "Integer[]", ""])
def test_a_type_outside_the_judges_language_is_the_judges_error(module: object, type_: str) -> None:
    with pytest.raises(HarnessError, match="not a value type"):
        module.conversion(type_, "x")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "glue_file"), [("csharp", "HarnessGlue.cs"), ("kotlin", "HarnessMain.kt")]
)
def test_the_harness_writes_the_glue_beside_its_fixed_file(language: str, glue_file: str) -> None:
    harness = harnesses()[language]
    files = harness.files_for(TWO_SUM)
    assert set(files) == {*harness.files, glue_file}
    assert "twoSum" in files[glue_file] or "TwoSum" in files[glue_file]
    untyped = FunctionSignature(name="twoSum", params=["nums", "target"])
    with pytest.raises(HarnessError, match="parameter types"):
        harness.files_for(untyped)
