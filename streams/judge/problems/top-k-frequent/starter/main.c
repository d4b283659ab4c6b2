int* topKFrequent(int* nums, int numsSize, int k, int* returnSize) {
    // TODO: Top K Frequent Elements
    /* Return a malloc'd array; set *returnSize to its length. */
}
