package main

import "sort"

func groupAnagrams(strs []string) [][]string {
	index := map[string]int{}
	groups := [][]string{}
	for _, word := range strs {
		letters := []byte(word)
		sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })
		key := string(letters)
		at, seen := index[key]
		if !seen {
			at = len(groups)
			index[key] = at
			groups = append(groups, nil)
		}
		groups[at] = append(groups[at], word)
	}
	return groups
}
