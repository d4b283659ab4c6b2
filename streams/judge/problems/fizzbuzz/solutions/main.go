package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	var n int
	fmt.Scan(&n)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := 1; i <= n; i++ {
		switch {
		case i%15 == 0:
			fmt.Fprintln(out, "FizzBuzz")
		case i%3 == 0:
			fmt.Fprintln(out, "Fizz")
		case i%5 == 0:
			fmt.Fprintln(out, "Buzz")
		default:
			fmt.Fprintln(out, i)
		}
	}
}
