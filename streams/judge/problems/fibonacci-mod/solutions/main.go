package main

import (
	"bufio"
	"fmt"
	"os"
)

const mod = 1000000007

// fib returns F(n) and F(n+1) mod 1e9+7 by fast doubling.
func fib(n uint64) (uint64, uint64) {
	if n == 0 {
		return 0, 1
	}
	a, b := fib(n >> 1)
	c := a * ((2*b + mod - a) % mod) % mod
	d := (a*a + b*b) % mod
	if n&1 == 1 {
		return d, (c + d) % mod
	}
	return c, d
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var t int
	fmt.Fscan(in, &t)
	for ; t > 0; t-- {
		var n uint64
		fmt.Fscan(in, &n)
		f, _ := fib(n)
		fmt.Fprintln(out, f)
	}
}
