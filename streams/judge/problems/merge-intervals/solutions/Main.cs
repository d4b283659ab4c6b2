using System;
using System.Collections.Generic;

public class Solution {
    public int[][] Merge(int[][] intervals) {
        Array.Sort(intervals, (a, b) => a[0] != b[0] ? a[0].CompareTo(b[0]) : a[1].CompareTo(b[1]));
        var merged = new List<int[]>();
        foreach (int[] interval in intervals) {
            if (merged.Count > 0 && interval[0] <= merged[merged.Count - 1][1]) {
                int[] top = merged[merged.Count - 1];
                top[1] = Math.Max(top[1], interval[1]);
            } else {
                merged.Add(new[] { interval[0], interval[1] });
            }
        }
        return merged.ToArray();
    }
}
