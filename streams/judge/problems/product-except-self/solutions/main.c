#include <stdlib.h>

int* productExceptSelf(int* nums, int numsSize, int* returnSize) {
    int* answer = malloc(sizeof(int) * (numsSize + 1));
    long long prefix = 1;
    for (int i = 0; i < numsSize; i++) {
        answer[i] = (int)prefix;
        prefix *= nums[i];
    }
    long long suffix = 1;
    for (int i = numsSize - 1; i >= 0; i--) {
        answer[i] = (int)(answer[i] * suffix);
        suffix *= nums[i];
    }
    *returnSize = numsSize;
    return answer;
}
