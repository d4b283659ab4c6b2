import sys

MOD = 1_000_000_007


def fib(n: int) -> tuple[int, int]:
    """(F(n), F(n+1)) mod MOD by fast doubling."""
    if n == 0:
        return 0, 1
    a, b = fib(n >> 1)
    c = a * ((2 * b - a) % MOD) % MOD
    d = (a * a + b * b) % MOD
    return (d, (c + d) % MOD) if n & 1 else (c, d)


data = sys.stdin.read().split()
t = int(data[0])
print("\n".join(str(fib(int(x))[0]) for x in data[1 : 1 + t]))
