package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n, m int
	fmt.Fscan(in, &n, &m)
	successors := make([][]int, n+1)
	indegree := make([]int, n+1)
	for i := 0; i < m; i++ {
		var u, v int
		fmt.Fscan(in, &u, &v)
		successors[u] = append(successors[u], v)
		indegree[v]++
	}
	order := make([]int, 0, n)
	for v := 1; v <= n; v++ {
		if indegree[v] == 0 {
			order = append(order, v)
		}
	}
	// order doubles as the queue: everything before `done` is placed.
	for done := 0; done < len(order); done++ {
		for _, v := range successors[order[done]] {
			indegree[v]--
			if indegree[v] == 0 {
				order = append(order, v)
			}
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if len(order) != n {
		out.WriteString("IMPOSSIBLE\n")
		return
	}
	for i, v := range order {
		out.WriteString(strconv.Itoa(v))
		if i+1 == n {
			out.WriteString("\n")
		} else {
			out.WriteString(" ")
		}
	}
}
