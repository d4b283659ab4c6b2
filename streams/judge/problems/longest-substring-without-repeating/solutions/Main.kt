class Solution {
    fun lengthOfLongestSubstring(s: String): Int {
        val last = HashMap<Char, Int>()
        var best = 0
        var start = 0
        for ((i, ch) in s.withIndex()) {
            val seen = last[ch]
            if (seen != null && seen >= start) start = seen + 1
            last[ch] = i
            best = maxOf(best, i - start + 1)
        }
        return best
    }
}
