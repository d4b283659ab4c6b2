public class Solution {
    public int[][] Merge(int[][] intervals) {
        // TODO: Merge Intervals
    }
}
