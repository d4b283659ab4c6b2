class Solution {
    fun productExceptSelf(nums: IntArray): IntArray {
        // TODO: Product of Array Except Self
    }
}
