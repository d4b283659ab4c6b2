using System.Collections.Generic;
using System.Linq;

public class Solution {
    public int[] TopKFrequent(int[] nums, int k) {
        var counts = new Dictionary<int, int>();
        foreach (int x in nums) {
            int seen;
            counts.TryGetValue(x, out seen);
            counts[x] = seen + 1;
        }
        return counts.Keys.OrderByDescending(v => counts[v]).ThenBy(v => v).Take(k).ToArray();
    }
}
