class Solution {
    fun topKFrequent(nums: IntArray, k: Int): IntArray {
        val counts = HashMap<Int, Int>()
        for (x in nums) counts[x] = (counts[x] ?: 0) + 1
        return counts.keys
            .sortedWith(compareBy({ -counts.getValue(it) }, { it }))
            .take(k)
            .toIntArray()
    }
}
