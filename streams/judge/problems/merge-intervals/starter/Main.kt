class Solution {
    fun merge(intervals: Array<IntArray>): Array<IntArray> {
        // TODO: Merge Intervals
    }
}
