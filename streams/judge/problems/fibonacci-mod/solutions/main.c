#include <stdio.h>

static const unsigned long long MOD = 1000000007ULL;

/* Sets *f = F(n) and *g = F(n+1), mod MOD, by fast doubling. */
static void fib(unsigned long long n, unsigned long long *f, unsigned long long *g) {
    if (n == 0) {
        *f = 0;
        *g = 1;
        return;
    }
    unsigned long long a, b;
    fib(n >> 1, &a, &b);
    unsigned long long c = a * ((2 * b + MOD - a) % MOD) % MOD;
    unsigned long long d = (a * a + b * b) % MOD;
    if (n & 1) {
        *f = d;
        *g = (c + d) % MOD;
    } else {
        *f = c;
        *g = d;
    }
}

int main(void) {
    int t;
    if (scanf("%d", &t) != 1) return 1;
    while (t--) {
        unsigned long long n, f, g;
        if (scanf("%llu", &n) != 1) return 1;
        fib(n, &f, &g);
        printf("%llu\n", f);
    }
    return 0;
}
