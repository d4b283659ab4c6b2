#include <stdio.h>
#include <stdlib.h>

/* A binary min-heap of (distance, vertex); stale entries are skipped when popped. */
typedef struct {
    long long dist;
    int vertex;
} Item;

static Item *heap;
static int heap_size;

static void push(long long dist, int vertex) {
    int i = heap_size++;
    while (i > 0 && heap[(i - 1) / 2].dist > dist) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i].dist = dist;
    heap[i].vertex = vertex;
}

static Item pop(void) {
    Item top = heap[0];
    Item last = heap[--heap_size];
    int i = 0;
    for (;;) {
        int child = 2 * i + 1;
        if (child >= heap_size) break;
        if (child + 1 < heap_size && heap[child + 1].dist < heap[child].dist) child++;
        if (heap[child].dist >= last.dist) break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = last;
    return top;
}

int main(void) {
    int n, m, s;
    if (scanf("%d %d %d", &n, &m, &s) != 3) return 1;
    int *head = malloc(sizeof(int) * (n + 1)), *next = malloc(sizeof(int) * (m + 1));
    int *to = malloc(sizeof(int) * (m + 1));
    long long *weight = malloc(sizeof(long long) * (m + 1));
    for (int v = 0; v <= n; v++) head[v] = -1;
    for (int i = 0; i < m; i++) {
        int u;
        if (scanf("%d %d %lld", &u, &to[i], &weight[i]) != 3) return 1;
        next[i] = head[u];
        head[u] = i;
    }
    long long *dist = malloc(sizeof(long long) * (n + 1));
    for (int v = 0; v <= n; v++) dist[v] = -1;
    heap = malloc(sizeof(Item) * (m + 2));
    dist[s] = 0;
    push(0, s);
    while (heap_size > 0) {
        Item item = pop();
        if (item.dist != dist[item.vertex]) continue;
        for (int e = head[item.vertex]; e != -1; e = next[e]) {
            long long d = item.dist + weight[e];
            if (dist[to[e]] == -1 || d < dist[to[e]]) {
                dist[to[e]] = d;
                push(d, to[e]);
            }
        }
    }
    for (int v = 1; v <= n; v++) printf("%lld%c", dist[v], v == n ? '\n' : ' ');
    return 0;
}
