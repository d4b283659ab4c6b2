#include <stdlib.h>

static const int* by_value;

static int by_number(const void* a, const void* b) {
    int x = by_value[*(const int*)a], y = by_value[*(const int*)b];
    return (x > y) - (x < y);
}

int* twoSum(int* nums, int numsSize, int target, int* returnSize) {
    /* Indexes sorted by value, then two pointers from both ends. */
    int* order = malloc(sizeof(int) * (numsSize + 1));
    for (int i = 0; i < numsSize; i++) order[i] = i;
    by_value = nums;
    qsort(order, numsSize, sizeof(int), by_number);
    int* answer = malloc(sizeof(int) * 2);
    *returnSize = 0;
    for (int lo = 0, hi = numsSize - 1; lo < hi;) {
        long long sum = (long long)nums[order[lo]] + nums[order[hi]];
        if (sum == target) {
            int a = order[lo], b = order[hi];
            answer[0] = a < b ? a : b;
            answer[1] = a < b ? b : a;
            *returnSize = 2;
            break;
        }
        if (sum < target) lo++;
        else hi--;
    }
    free(order);
    return answer;
}
