#include <cmath>
#include <cstdio>

int main() {
    int t;
    if (scanf("%d", &t) != 1) return 1;
    while (t--) {
        double x;
        scanf("%lf", &x);
        printf("%.9f\n", std::sqrt(x));
    }
    return 0;
}
