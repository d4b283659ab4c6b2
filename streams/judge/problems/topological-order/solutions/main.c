#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, m;
    if (scanf("%d %d", &n, &m) != 2) return 1;
    int *head = malloc(sizeof(int) * (n + 1)), *indegree = calloc(n + 1, sizeof(int));
    int *next = malloc(sizeof(int) * (m + 1)), *to = malloc(sizeof(int) * (m + 1));
    for (int v = 0; v <= n; v++) head[v] = -1;
    for (int i = 0; i < m; i++) {
        int u;
        if (scanf("%d %d", &u, &to[i]) != 2) return 1;
        next[i] = head[u];
        head[u] = i;
        indegree[to[i]]++;
    }
    int *order = malloc(sizeof(int) * (n + 1));
    int done = 0, taken = 0;
    for (int v = 1; v <= n; v++) {
        if (indegree[v] == 0) order[taken++] = v;
    }
    /* `order` doubles as the queue: [done, taken) is ready, [0, done) is placed. */
    while (done < taken) {
        int u = order[done++];
        for (int e = head[u]; e != -1; e = next[e]) {
            if (--indegree[to[e]] == 0) order[taken++] = to[e];
        }
    }
    if (taken != n) {
        puts("IMPOSSIBLE");
        return 0;
    }
    for (int i = 0; i < n; i++) printf("%d%c", order[i], i + 1 == n ? '\n' : ' ');
    return 0;
}
