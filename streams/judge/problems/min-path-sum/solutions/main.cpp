#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int rows, cols;
    if (scanf("%d %d", &rows, &cols) != 2) return 1;
    // best[c]: the cheapest path to column c of the current row.
    std::vector<long long> best(cols, 0);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            long long cell;
            scanf("%lld", &cell);
            if (r == 0 && c == 0) best[c] = cell;
            else if (r == 0) best[c] = best[c - 1] + cell;
            else if (c == 0) best[c] += cell;
            else best[c] = std::min(best[c], best[c - 1]) + cell;
        }
    }
    printf("%lld\n", best[cols - 1]);
    return 0;
}
