class Solution {
    fun twoSum(nums: IntArray, target: Int): IntArray {
        // TODO: Two Sum
    }
}
