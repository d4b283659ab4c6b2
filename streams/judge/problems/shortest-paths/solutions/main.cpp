#include <cstdio>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

int main() {
    int n, m, s;
    if (scanf("%d %d %d", &n, &m, &s) != 3) return 1;
    std::vector<std::vector<std::pair<int, long long>>> adjacency(n + 1);
    for (int i = 0; i < m; i++) {
        int u, v;
        long long w;
        scanf("%d %d %lld", &u, &v, &w);
        adjacency[u].push_back({v, w});
    }
    const long long INF = -1;
    std::vector<long long> dist(n + 1, INF);
    using Item = std::pair<long long, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    dist[s] = 0;
    heap.push({0, s});
    while (!heap.empty()) {
        auto [d, u] = heap.top();
        heap.pop();
        if (d != dist[u]) continue;
        for (auto [v, w] : adjacency[u]) {
            if (dist[v] == INF || d + w < dist[v]) {
                dist[v] = d + w;
                heap.push({dist[v], v});
            }
        }
    }
    std::string out;
    for (int i = 1; i <= n; i++) {
        out += std::to_string(dist[i]);
        out += i == n ? '\n' : ' ';
    }
    fputs(out.c_str(), stdout);
    return 0;
}
