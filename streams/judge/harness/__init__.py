"""The function-style harness per language, as data.

A harness reads the test input (a JSON array of arguments) from stdin, calls
the learner's function by name and prints the result as one line of compact
JSON. Its toml names the files it adds next to the learner's source and how
it changes the language's own argv, never a command of its own: the compile
argv is the language table's with the harness's files added, the run argv the
language table's with its program replaced by the harness's. So a harness
always builds and runs with the exact compiler, flags and paths the language
table gives (its `{toolchains}` already expanded). `{function}` in the run
arguments stands for the problem's FunctionSignature.name.

A language without reflection enough to call a function it only knows by name
(C, C++, Go, Rust, ...) names a `glue` file: the code that decodes the typed
arguments, calls the function and encodes its result, generated per signature
by `<language>_glue.py` beside this module (`glue(function) -> str`), from the
signature's types.
See README.md for the contract. Pure: reads files only.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemas.judge.records import FunctionSignature
from streams.judge.languages import Language

HARNESS_ROOT = Path(__file__).resolve().parent
FUNCTION_PLACEHOLDER = "{function}"
_KEYS = {"language", "files", "compile", "run", "glue"}


class HarnessError(ValueError):
    """A harness that does not describe a usable harness, or does not fit its language."""


@dataclass(frozen=True)
class Harness:
    language: str
    files: dict[str, str]  # file name -> content, written into /box next to the source
    compile_add: tuple[str, ...]  # appended to the language's compile argv
    program: str  # the language's program, the last argument of its run argv ("main.py")
    run_with: tuple[str, ...]  # what replaces it: the harness's program and its arguments
    glue_file: str | None = None  # generated per signature by <language>_glue.py
    # The language's compile input (its last argument) and what takes its place: for a
    # compiler that takes one root file (rustc), the harness's root, which includes the
    # learner's file itself.
    compile_replace: str | None = None
    compile_with: tuple[str, ...] = ()

    def files_for(self, function: FunctionSignature) -> dict[str, str]:
        """The files written next to the learner's source for this function."""
        if self.glue_file is None:
            return dict(self.files)
        if not function.types:
            raise HarnessError(
                f"{self.language}: the harness needs the function's parameter types, "
                f"and {function.name!r} gives none"
            )
        module = importlib.import_module(f"{__name__}.{self.language}_glue")
        return {**self.files, self.glue_file: module.glue(function)}

    def compile_argv(self, language: Language) -> tuple[str, ...] | None:
        """The language's compile argv plus the harness's files; None if it compiles nothing."""
        self._check(language)
        if language.compile is None:
            if self.compile_add:
                raise HarnessError(f"{self.language}: the language compiles nothing to add to")
            return None
        argv = language.compile
        if self.compile_replace is not None:
            if argv[-1] != self.compile_replace:
                raise HarnessError(
                    f"{self.language}: the language's compile argv ends in {argv[-1]!r}, "
                    f"not the input {self.compile_replace!r} the harness replaces"
                )
            argv = (*argv[:-1], *self.compile_with)
        return (*argv, *self.compile_add)

    def run_argv(self, language: Language, function: str) -> tuple[str, ...]:
        """The language's run argv with its program replaced by the harness, for one function."""
        self._check(language)
        if language.run[-1] != self.program:
            raise HarnessError(
                f"{self.language}: the language's run argv ends in {language.run[-1]!r}, "
                f"not the program {self.program!r} the harness replaces"
            )
        args = (function if arg == FUNCTION_PLACEHOLDER else arg for arg in self.run_with)
        return (*language.run[:-1], *args)

    def _check(self, language: Language) -> None:
        if language.id != self.language:
            raise HarnessError(f"the {self.language} harness applied to {language.id}")


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise HarnessError(f"{where}: {key} must be a list of non-empty strings")
    if any("{" in v for v in value if v != FUNCTION_PLACEHOLDER):
        raise HarnessError(f"{where}: {key} may hold no placeholder but {FUNCTION_PLACEHOLDER}")
    return tuple(value)


def load_harness(path: Path) -> Harness:
    where = path.name
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if unknown := set(data) - _KEYS:
        raise HarnessError(f"{where}: unknown keys {sorted(unknown)}")
    compile_table = data.get("compile", {})
    run_table = data.get("run")
    if not isinstance(compile_table, dict) or set(compile_table) - {"add", "replace", "with"}:
        raise HarnessError(f"{where}: [compile] has only `add`, `replace` and `with`")
    compile_replace = compile_table.get("replace")
    compile_with = _strings(compile_table, "with", where)
    if compile_replace is not None and not (isinstance(compile_replace, str) and compile_with):
        raise HarnessError(f"{where}: [compile] replace needs `with`, the files in its place")
    if compile_with and compile_replace is None:
        raise HarnessError(f"{where}: [compile] with needs `replace`")
    if not isinstance(run_table, dict) or set(run_table) != {"replace", "with"}:
        raise HarnessError(f"{where}: [run] needs `replace` (the language's program) and `with`")
    program = run_table["replace"]
    if not isinstance(program, str) or not program:
        raise HarnessError(f"{where}: [run] replace must be the language's program")
    run_with = _strings(run_table, "with", where)
    if not run_with:
        raise HarnessError(f"{where}: [run] with names the harness's program")
    glue_file = data.get("glue")
    if glue_file is not None and not (isinstance(glue_file, str) and glue_file):
        raise HarnessError(f"{where}: glue must be a file name")
    return Harness(
        language=data["language"],
        files={name: (path.parent / name).read_text(encoding="utf-8") for name in data["files"]},
        compile_add=_strings(compile_table, "add", where),
        program=program,
        run_with=run_with,
        glue_file=glue_file,
        compile_replace=compile_replace,
        compile_with=compile_with,
    )


def harnesses(root: Path = HARNESS_ROOT) -> dict[str, Harness]:
    """Every language that can run function-style problems, by language id."""
    found = (load_harness(path) for path in sorted(root.glob("*.toml")))
    return {harness.language: harness for harness in found}
