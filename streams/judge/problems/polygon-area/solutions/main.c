#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long long *x = malloc(sizeof(long long) * n), *y = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) {
        if (scanf("%lld %lld", &x[i], &y[i]) != 2) return 1;
    }
    long long twice = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        twice += x[i] * y[j] - x[j] * y[i];
    }
    twice = llabs(twice);
    printf("%lld.%d\n", twice / 2, twice % 2 ? 5 : 0);
    free(x);
    free(y);
    return 0;
}
