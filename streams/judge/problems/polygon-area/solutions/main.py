import sys

data = sys.stdin.read().split()
n = int(data[0])
xs = [int(v) for v in data[1 : 1 + 2 * n : 2]]
ys = [int(v) for v in data[2 : 2 + 2 * n : 2]]
twice = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
print(f"{abs(twice) / 2:.1f}")
