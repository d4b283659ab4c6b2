#include <cstdio>
#include <queue>
#include <string>
#include <vector>

int main() {
    int n, m;
    if (scanf("%d %d", &n, &m) != 2) return 1;
    std::vector<std::vector<int>> successors(n + 1);
    std::vector<int> indegree(n + 1, 0);
    for (int i = 0; i < m; i++) {
        int u, v;
        scanf("%d %d", &u, &v);
        successors[u].push_back(v);
        indegree[v]++;
    }
    std::queue<int> ready;
    for (int v = 1; v <= n; v++) {
        if (indegree[v] == 0) ready.push(v);
    }
    std::vector<int> order;
    while (!ready.empty()) {
        int u = ready.front();
        ready.pop();
        order.push_back(u);
        for (int v : successors[u]) {
            if (--indegree[v] == 0) ready.push(v);
        }
    }
    if ((int)order.size() != n) {
        puts("IMPOSSIBLE");
        return 0;
    }
    std::string out;
    for (int i = 0; i < n; i++) {
        out += std::to_string(order[i]);
        out += i + 1 == n ? '\n' : ' ';
    }
    fputs(out.c_str(), stdout);
    return 0;
}
