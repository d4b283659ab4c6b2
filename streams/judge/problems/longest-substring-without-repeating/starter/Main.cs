public class Solution {
    public int LengthOfLongestSubstring(string s) {
        // TODO: Longest Substring Without Repeating Characters
    }
}
