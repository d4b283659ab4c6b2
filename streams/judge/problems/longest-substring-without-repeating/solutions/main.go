package main

func lengthOfLongestSubstring(s string) int {
	last := map[rune]int{}
	best, start := 0, 0
	for i, ch := range []rune(s) {
		if at, seen := last[ch]; seen && at >= start {
			start = at + 1
		}
		last[ch] = i
		if i-start+1 > best {
			best = i - start + 1
		}
	}
	return best
}
