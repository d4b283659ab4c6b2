class Solution {
    fun maxSubArray(nums: IntArray): Int {
        // TODO: Maximum Subarray
    }
}
