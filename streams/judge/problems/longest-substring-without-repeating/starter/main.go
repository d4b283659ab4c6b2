package main

// The judge calls lengthOfLongestSubstring with each test's arguments: write no func main.
func lengthOfLongestSubstring(s string) int {
	// TODO: Longest Substring Without Repeating Characters
	return 0
}
