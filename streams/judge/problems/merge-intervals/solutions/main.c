#include <stdlib.h>

static int by_start(const void* a, const void* b) {
    const int* x = *(int* const*)a;
    const int* y = *(int* const*)b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

int** merge(int** intervals, int intervalsSize, int* intervalsColSize, int* returnSize, int** returnColumnSizes) {
    qsort(intervals, intervalsSize, sizeof(int*), by_start);
    int** merged = malloc(sizeof(int*) * (intervalsSize + 1));
    int count = 0;
    for (int i = 0; i < intervalsSize; i++) {
        if (count > 0 && intervals[i][0] <= merged[count - 1][1]) {
            if (intervals[i][1] > merged[count - 1][1]) merged[count - 1][1] = intervals[i][1];
        } else {
            merged[count] = malloc(sizeof(int) * 2);
            merged[count][0] = intervals[i][0];
            merged[count][1] = intervals[i][1];
            count++;
        }
    }
    *returnSize = count;
    *returnColumnSizes = malloc(sizeof(int) * (count + 1));
    for (int i = 0; i < count; i++) (*returnColumnSizes)[i] = 2;
    return merged;
}
