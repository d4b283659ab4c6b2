import sys


def solve(data: list[str]) -> str:
    # TODO: Square Roots: the input's tokens are in data; return the output.
    return ""


print(solve(sys.stdin.read().split()))
