#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n, capacity;
    if (scanf("%d %d", &n, &capacity) != 2) return 1;
    std::vector<long long> best(capacity + 1, 0);
    for (int i = 0; i < n; i++) {
        int weight;
        long long value;
        scanf("%d %lld", &weight, &value);
        // Downwards, so each item is used at most once.
        for (int c = capacity; c >= weight; c--) best[c] = std::max(best[c], best[c - weight] + value);
    }
    printf("%lld\n", best[capacity]);
    return 0;
}
