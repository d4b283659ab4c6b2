class Solution {
    fun search(nums: IntArray, target: Int): Int {
        // TODO: Binary Search
    }
}
