package main

// The judge calls search with each test's arguments: write no func main.
func search(nums []int, target int) int {
	// TODO: Binary Search
	return 0
}
