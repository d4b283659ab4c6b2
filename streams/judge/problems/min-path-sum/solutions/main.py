import sys

data = sys.stdin.read().split()
rows, cols = int(data[0]), int(data[1])
values = [int(v) for v in data[2 : 2 + rows * cols]]
best = [0] * cols
for r in range(rows):
    row = values[r * cols : (r + 1) * cols]
    for c in range(cols):
        if r == 0 and c == 0:
            best[c] = row[c]
        elif r == 0:
            best[c] = best[c - 1] + row[c]
        elif c == 0:
            best[c] = best[c] + row[c]
        else:
            best[c] = min(best[c], best[c - 1]) + row[c]
print(best[cols - 1])
