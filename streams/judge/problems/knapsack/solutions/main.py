import sys

data = sys.stdin.read().split()
n, capacity = int(data[0]), int(data[1])
best = [0] * (capacity + 1)
for i in range(n):
    weight, value = int(data[2 + 2 * i]), int(data[3 + 2 * i])
    if weight > capacity:
        continue
    # best[c] with this item = best[c - weight] + value, from the row before it.
    shifted = best[: capacity + 1 - weight]
    best[weight:] = [
        a if a > b + value else b + value for a, b in zip(best[weight:], shifted, strict=True)
    ]
print(best[capacity])
