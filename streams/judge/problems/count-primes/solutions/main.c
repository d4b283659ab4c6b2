#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    if (n < 2) {
        printf("0\n");
        return 0;
    }
    char *composite = calloc((size_t)n + 1, 1);
    long long count = 0;
    for (long long i = 2; i <= n; i++) {
        if (composite[i]) continue;
        count++;
        for (long long j = i * i; j <= n; j += i) composite[j] = 1;
    }
    printf("%lld\n", count);
    free(composite);
    return 0;
}
