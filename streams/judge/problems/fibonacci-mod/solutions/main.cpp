#include <cstdio>
#include <utility>

const unsigned long long MOD = 1000000007ULL;

// (F(n), F(n+1)) mod MOD by fast doubling.
std::pair<unsigned long long, unsigned long long> fib(unsigned long long n) {
    if (n == 0) return {0, 1};
    auto [a, b] = fib(n >> 1);
    unsigned long long c = a * ((2 * b + MOD - a) % MOD) % MOD;
    unsigned long long d = (a * a + b * b) % MOD;
    if (n & 1) return {d, (c + d) % MOD};
    return {c, d};
}

int main() {
    int t;
    if (scanf("%d", &t) != 1) return 1;
    while (t--) {
        unsigned long long n;
        scanf("%llu", &n);
        printf("%llu\n", fib(n).first);
    }
    return 0;
}
