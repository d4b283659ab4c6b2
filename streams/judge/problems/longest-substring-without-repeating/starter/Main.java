class Solution {
    public int lengthOfLongestSubstring(String s) {
        // TODO: Longest Substring Without Repeating Characters
    }
}
