package main

func maxSubArray(nums []int) int {
	best, current := nums[0], nums[0]
	for _, x := range nums[1:] {
		if current+x > x {
			current += x
		} else {
			current = x
		}
		if current > best {
			best = current
		}
	}
	return best
}
