package main

// The judge calls productExceptSelf with each test's arguments: write no func main.
func productExceptSelf(nums []int) []int {
	// TODO: Product of Array Except Self
	return nil
}
