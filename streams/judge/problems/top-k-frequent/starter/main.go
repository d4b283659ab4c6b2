package main

// The judge calls topKFrequent with each test's arguments: write no func main.
func topKFrequent(nums []int, k int) []int {
	// TODO: Top K Frequent Elements
	return nil
}
