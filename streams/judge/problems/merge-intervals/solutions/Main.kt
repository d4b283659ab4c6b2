class Solution {
    fun merge(intervals: Array<IntArray>): Array<IntArray> {
        val merged = ArrayList<IntArray>()
        for (interval in intervals.sortedWith(compareBy({ it[0] }, { it[1] }))) {
            if (merged.isNotEmpty() && interval[0] <= merged.last()[1]) {
                merged.last()[1] = maxOf(merged.last()[1], interval[1])
            } else {
                merged.add(intArrayOf(interval[0], interval[1]))
            }
        }
        return merged.toTypedArray()
    }
}
