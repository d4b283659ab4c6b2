int search(int* nums, int numsSize, int target) {
    // TODO: Binary Search
}
