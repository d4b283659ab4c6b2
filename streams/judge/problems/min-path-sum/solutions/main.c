#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int rows, cols;
    if (scanf("%d %d", &rows, &cols) != 2) return 1;
    /* best[c]: the cheapest path to column c of the current row. */
    long long *best = calloc(cols, sizeof(long long));
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            long long cell;
            if (scanf("%lld", &cell) != 1) return 1;
            if (r == 0 && c == 0) best[c] = cell;
            else if (r == 0) best[c] = best[c - 1] + cell;
            else if (c == 0) best[c] += cell;
            else best[c] = (best[c] < best[c - 1] ? best[c] : best[c - 1]) + cell;
        }
    }
    printf("%lld\n", best[cols - 1]);
    free(best);
    return 0;
}
