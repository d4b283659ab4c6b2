package main

// The judge calls isValid with each test's arguments: write no func main.
func isValid(s string) bool {
	// TODO: Valid Parentheses
	return false
}
