import heapq
import sys

data = sys.stdin.buffer.read().split()
n, m, source = int(data[0]), int(data[1]), int(data[2])
adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
for i in range(m):
    u, v, w = int(data[3 + 3 * i]), int(data[4 + 3 * i]), int(data[5 + 3 * i])
    adjacency[u].append((v, w))
INF = float("inf")
dist = [INF] * (n + 1)
dist[source] = 0
heap = [(0, source)]
while heap:
    d, u = heapq.heappop(heap)
    if d > dist[u]:
        continue
    for v, w in adjacency[u]:
        if d + w < dist[v]:
            dist[v] = d + w
            heapq.heappush(heap, (d + w, v))
print(" ".join(str(d) if d != INF else "-1" for d in dist[1:]))
