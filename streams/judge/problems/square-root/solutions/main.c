#include <math.h>
#include <stdio.h>

int main(void) {
    int t;
    if (scanf("%d", &t) != 1) return 1;
    while (t--) {
        double x;
        if (scanf("%lf", &x) != 1) return 1;
        printf("%.9f\n", sqrt(x));
    }
    return 0;
}
