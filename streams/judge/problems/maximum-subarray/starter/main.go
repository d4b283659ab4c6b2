package main

// The judge calls maxSubArray with each test's arguments: write no func main.
func maxSubArray(nums []int) int {
	// TODO: Maximum Subarray
	return 0
}
