package main

// The judge calls twoSum with each test's arguments: write no func main.
func twoSum(nums []int, target int) []int {
	// TODO: Two Sum
	return nil
}
