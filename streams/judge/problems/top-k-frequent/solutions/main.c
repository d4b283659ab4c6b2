#include <stdlib.h>

static int* counts;

static int by_frequency(const void* a, const void* b) {
    int x = *(const int*)a, y = *(const int*)b;
    if (counts[x] != counts[y]) return counts[y] - counts[x];
    return (x > y) - (x < y);
}

int* topKFrequent(int* nums, int numsSize, int k, int* returnSize) {
    /* Values are within [-10^4, 10^4]: count them by offset. */
    enum { OFFSET = 10000, SPAN = 20001 };
    counts = calloc(SPAN, sizeof(int));
    int* values = malloc(sizeof(int) * SPAN);
    int distinct = 0;
    for (int i = 0; i < numsSize; i++)
        if (counts[nums[i] + OFFSET]++ == 0) values[distinct++] = nums[i] + OFFSET;
    qsort(values, distinct, sizeof(int), by_frequency);
    for (int i = 0; i < k; i++) values[i] -= OFFSET;
    free(counts);
    *returnSize = k;
    return values;
}
