package main

func twoSum(nums []int, target int) []int {
	seen := map[int]int{}
	for i, x := range nums {
		if j, found := seen[target-x]; found {
			return []int{j, i}
		}
		seen[x] = i
	}
	return []int{}
}
