package main

// The judge calls merge with each test's arguments: write no func main.
func merge(intervals [][]int) [][]int {
	// TODO: Merge Intervals
	return nil
}
