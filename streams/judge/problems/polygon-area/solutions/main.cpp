#include <cstdio>
#include <cstdlib>
#include <vector>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<long long> x(n), y(n);
    for (int i = 0; i < n; i++) scanf("%lld %lld", &x[i], &y[i]);
    long long twice = 0;  // twice the signed area: at most 2e12 per vertex, 1e16 in all: fits in 64 bits
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        twice += x[i] * y[j] - x[j] * y[i];
    }
    twice = std::llabs(twice);
    printf("%lld.%d\n", twice / 2, twice % 2 ? 5 : 0);
    return 0;
}
