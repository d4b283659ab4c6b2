int* productExceptSelf(int* nums, int numsSize, int* returnSize) {
    // TODO: Product of Array Except Self
    /* Return a malloc'd array; set *returnSize to its length. */
}
