int maxSubArray(int* nums, int numsSize) {
    // TODO: Maximum Subarray
}
