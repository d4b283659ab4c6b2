class Solution {
    public int maxSubArray(int[] nums) {
        // TODO: Maximum Subarray
    }
}
