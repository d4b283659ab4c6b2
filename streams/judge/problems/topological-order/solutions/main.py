import sys
from collections import deque

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
successors: list[list[int]] = [[] for _ in range(n + 1)]
indegree = [0] * (n + 1)
for i in range(m):
    u, v = int(data[2 + 2 * i]), int(data[3 + 2 * i])
    successors[u].append(v)
    indegree[v] += 1
ready = deque(v for v in range(1, n + 1) if indegree[v] == 0)
order = []
while ready:
    u = ready.popleft()
    order.append(u)
    for v in successors[u]:
        indegree[v] -= 1
        if indegree[v] == 0:
            ready.append(v)
print(" ".join(map(str, order)) if len(order) == n else "IMPOSSIBLE")
