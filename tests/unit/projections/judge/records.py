"""Judge records for projection tests: problems, learners' commands and the
judge's facts, with envelopes numbered in the order they are added.

`story()` is a small session whose read models are known by hand:

- two-sum (easy, arrays) is published at revision 1, then 2 (a new title);
  fizz-buzz (easy, strings) and lru-cache (hard, design) at revision 1;
- ada runs two-sum once (no progress), submits s1 (wrong answer, 2/3) and
  s2 (accepted, 40 ms) in python, then s3 (accepted, 25 ms) in cpp;
- ada marks fizz-buzz in_progress by hand; bob submits s4 on fizz-buzz and
  has no verdict yet.

Afterwards: ada completed two-sum in 3 attempts, best 25 ms (s3, cpp);
ada's fizz-buzz is in_progress with 0 attempts; bob's fizz-buzz is
in_progress (pending) with 1 attempt.
"""

from __future__ import annotations

from typing import Any

from schemas import judge as jd
from schemas.envelope import Record
from schemas.judge import topics
from tests.unit.projections.numbered_records import NumberedRecords

PROBLEMS = topics.JUDGE_PROBLEMS.name
COMMANDS = topics.JUDGE_COMMANDS.name
EVENTS = topics.JUDGE_EVENTS.name


def sid(n: int) -> str:
    """A submission id shaped like the gateway's ULIDs."""
    return f"01J{n:023d}"


class Session(NumberedRecords):
    def publish(
        self,
        problem_id: str,
        revision: int = 1,
        *,
        title: str | None = None,
        difficulty: str = "easy",
        category: str = "arrays",
        **overrides: Any,
    ) -> Record:
        fields: dict[str, Any] = {
            "problem_id": problem_id,
            "revision": revision,
            "title": title or problem_id.replace("-", " ").title(),
            "statement": f"Solve {problem_id}.",
            "difficulty": difficulty,
            "category": category,
            "kind": "stdio",
            "time_limit_ms": 2000,
            "memory_limit_kb": 262144,
            "checker": {"kind": "custom", "language": "python", "source": "SECRET CHECKER"},
            "samples": [{"name": "sample-1", "input": "1 2\n", "expected": "3\n"}],
            "hidden": [
                {"name": "hidden-1", "input": "HIDDEN INPUT", "expected": "HIDDEN OUTPUT"},
                {"name": "hidden-2", "input": "40 2\n", "expected": "42\n"},
            ],
            "starter": [
                {"language": "python", "source": "print(sum(map(int, input().split())))\n"},
                {"language": "cpp", "source": "int main() {}\n"},
            ],
        }
        fields.update(overrides)
        return self.add(PROBLEMS, problem_id, jd.ProblemPublished, **fields)

    def submit(
        self, submission_id: str, user_id: str, problem_id: str, language: str = "python"
    ) -> Record:
        return self.add(
            COMMANDS,
            user_id,
            jd.SubmitSolution,
            submission_id=submission_id,
            user_id=user_id,
            problem_id=problem_id,
            problem_revision=1,
            language=language,
            source="print(3)\n",
        )

    def run(self, submission_id: str, user_id: str, problem_id: str) -> Record:
        return self.add(
            COMMANDS,
            user_id,
            jd.RunCode,
            submission_id=submission_id,
            user_id=user_id,
            problem_id=problem_id,
            problem_revision=1,
            language="python",
            source="print(input())\n",
            stdin="hello\n",
        )

    def compiled(self, submission_id: str, user_id: str, ok: bool = True) -> Record:
        return self.add(
            EVENTS,
            user_id,
            jd.SubmissionCompiled,
            submission_id=submission_id,
            user_id=user_id,
            ok=ok,
            cached=False,
            compile_time_ms=120,
            message="" if ok else "main.cpp:1: error",
        )

    def test(
        self,
        submission_id: str,
        user_id: str,
        problem_id: str,
        index: int,
        outcome: str = "accepted",
        *,
        hidden: bool = False,
        time_ms: int = 10,
    ) -> Record:
        return self.add(
            EVENTS,
            user_id,
            jd.TestJudged,
            submission_id=submission_id,
            user_id=user_id,
            problem_id=problem_id,
            index=index,
            test_name=f"{'hidden' if hidden else 'sample'}-{index}",
            hidden=hidden,
            outcome=outcome,
            time_ms=time_ms,
            memory_kb=9000,
            exit_code=0,
            output_excerpt="3\n",
        )

    def judged(
        self,
        submission_id: str,
        user_id: str,
        problem_id: str,
        verdict: str = "accepted",
        *,
        mode: str = "submit",
        language: str = "python",
        passed: int = 3,
        total: int = 3,
        time_ms: int = 40,
        **extra: Any,
    ) -> Record:
        return self.add(
            EVENTS,
            user_id,
            jd.SubmissionJudged,
            submission_id=submission_id,
            user_id=user_id,
            problem_id=problem_id,
            problem_revision=1,
            language=language,
            mode=mode,
            verdict=verdict,
            passed=passed,
            total=total,
            time_ms=time_ms,
            memory_kb=9000,
            exit_code=0,
            message="",
            **extra,
        )

    def marked(self, user_id: str, problem_id: str, status: str) -> Record:
        return self.add(
            EVENTS,
            user_id,
            jd.ProgressMarked,
            user_id=user_id,
            problem_id=problem_id,
            status=status,
        )


def story() -> Session:
    s = Session()
    s.publish("two-sum")
    s.publish("two-sum", 2, title="Two Sum (revised)")
    s.publish("fizz-buzz", category="strings")
    s.publish("lru-cache", difficulty="hard", category="design", kind="function",
              function={"name": "lru", "params": ["ops"]})  # fmt: skip
    s.run(sid(0), "ada", "two-sum")
    s.compiled(sid(0), "ada")
    s.judged(sid(0), "ada", "two-sum", mode="run", passed=1, total=1, stdout="hello\n")
    s.submit(sid(1), "ada", "two-sum")
    s.compiled(sid(1), "ada")
    s.test(sid(1), "ada", "two-sum", 0)
    s.test(sid(1), "ada", "two-sum", 1)
    s.test(sid(1), "ada", "two-sum", 2, "wrong_answer", hidden=True)
    s.judged(sid(1), "ada", "two-sum", "wrong_answer", passed=2)
    s.submit(sid(2), "ada", "two-sum")
    s.judged(sid(2), "ada", "two-sum", time_ms=40)
    s.submit(sid(3), "ada", "two-sum", language="cpp")
    s.judged(sid(3), "ada", "two-sum", time_ms=25, language="cpp")
    s.marked("ada", "fizz-buzz", "in_progress")
    s.submit(sid(4), "bob", "fizz-buzz")
    return s
