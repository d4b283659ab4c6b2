int lengthOfLongestSubstring(char* s) {
    // TODO: Longest Substring Without Repeating Characters
}
