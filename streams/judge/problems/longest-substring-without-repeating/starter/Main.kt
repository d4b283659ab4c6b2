class Solution {
    fun lengthOfLongestSubstring(s: String): Int {
        // TODO: Longest Substring Without Repeating Characters
    }
}
