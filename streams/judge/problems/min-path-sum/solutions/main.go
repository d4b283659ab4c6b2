package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var rows, cols int
	fmt.Fscan(in, &rows, &cols)
	// best[c]: the cheapest path to column c of the current row.
	best := make([]int64, cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			var cell int64
			fmt.Fscan(in, &cell)
			switch {
			case r == 0 && c == 0:
				best[c] = cell
			case r == 0:
				best[c] = best[c-1] + cell
			case c == 0:
				best[c] += cell
			case best[c-1] < best[c]:
				best[c] = best[c-1] + cell
			default:
				best[c] += cell
			}
		}
	}
	fmt.Println(best[cols-1])
}
