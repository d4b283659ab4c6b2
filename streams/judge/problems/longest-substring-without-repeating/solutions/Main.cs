using System;
using System.Collections.Generic;

public class Solution {
    public int LengthOfLongestSubstring(string s) {
        var last = new Dictionary<char, int>();
        int best = 0, start = 0;
        for (int i = 0; i < s.Length; i++) {
            int seen;
            if (last.TryGetValue(s[i], out seen) && seen >= start) start = seen + 1;
            last[s[i]] = i;
            best = Math.Max(best, i - start + 1);
        }
        return best;
    }
}
