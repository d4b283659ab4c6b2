function lengthOfLongestSubstring(s: string): number {
  // TODO: Longest Substring Without Repeating Characters
}
