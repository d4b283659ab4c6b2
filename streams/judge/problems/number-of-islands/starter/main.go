package main

// The judge calls numIslands with each test's arguments: write no func main.
func numIslands(grid []string) int {
	// TODO: Number of Islands
	return 0
}
