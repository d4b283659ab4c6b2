import sys


def solve(data: list[str]) -> str:
    # TODO: Reverse Words in a Line: the input's tokens are in data; return the output.
    return ""


print(solve(sys.stdin.read().split()))
