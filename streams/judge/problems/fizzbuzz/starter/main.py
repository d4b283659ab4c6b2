import sys


def solve(data: list[str]) -> str:
    # TODO: FizzBuzz: the input's tokens are in data; return the output.
    return ""


print(solve(sys.stdin.read().split()))
