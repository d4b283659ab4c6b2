public class Solution {
    public int MaxSubArray(int[] nums) {
        // TODO: Maximum Subarray
    }
}
