package main

// The judge calls coinChange with each test's arguments: write no func main.
func coinChange(coins []int, amount int) int {
	// TODO: Coin Change
	return 0
}
