class Solution {
    public int search(int[] nums, int target) {
        // TODO: Binary Search
    }
}
