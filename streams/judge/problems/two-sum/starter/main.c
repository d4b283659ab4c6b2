int* twoSum(int* nums, int numsSize, int target, int* returnSize) {
    // TODO: Two Sum
    /* Return a malloc'd array; set *returnSize to its length. */
}
