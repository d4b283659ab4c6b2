package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var t int
	fmt.Fscan(in, &t)
	for ; t > 0; t-- {
		var x float64
		fmt.Fscan(in, &x)
		fmt.Fprintf(out, "%.9f\n", math.Sqrt(x))
	}
}
