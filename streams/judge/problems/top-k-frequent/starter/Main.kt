class Solution {
    fun topKFrequent(nums: IntArray, k: Int): IntArray {
        // TODO: Top K Frequent Elements
    }
}
