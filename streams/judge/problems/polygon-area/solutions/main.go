package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	fmt.Fscan(in, &n)
	x := make([]int64, n)
	y := make([]int64, n)
	for i := 0; i < n; i++ {
		fmt.Fscan(in, &x[i], &y[i])
	}
	var twice int64
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		twice += x[i]*y[j] - x[j]*y[i]
	}
	if twice < 0 {
		twice = -twice
	}
	half := 0
	if twice%2 == 1 {
		half = 5
	}
	fmt.Printf("%d.%d\n", twice/2, half)
}
