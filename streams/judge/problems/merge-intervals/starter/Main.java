class Solution {
    public int[][] merge(int[][] intervals) {
        // TODO: Merge Intervals
    }
}
