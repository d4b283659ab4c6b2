package main

import (
	"bufio"
	"container/heap"
	"os"
	"strconv"
)

type item struct {
	dist   int64
	vertex int
}

type minHeap []item

func (h minHeap) Len() int            { return len(h) }
func (h minHeap) Less(i, j int) bool  { return h[i].dist < h[j].dist }
func (h minHeap) Swap(i, j int)       { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x interface{}) { *h = append(*h, x.(item)) }
func (h *minHeap) Pop() interface{} {
	old := *h
	last := old[len(old)-1]
	*h = old[:len(old)-1]
	return last
}

type edge struct {
	to     int
	weight int64
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	in.Split(bufio.ScanWords)
	next := func() int64 {
		in.Scan()
		v, _ := strconv.ParseInt(in.Text(), 10, 64)
		return v
	}
	n, m, s := int(next()), int(next()), int(next())
	adjacency := make([][]edge, n+1)
	for i := 0; i < m; i++ {
		u, v, w := int(next()), int(next()), next()
		adjacency[u] = append(adjacency[u], edge{v, w})
	}
	dist := make([]int64, n+1)
	for i := range dist {
		dist[i] = -1
	}
	dist[s] = 0
	h := &minHeap{{0, s}}
	for h.Len() > 0 {
		top := heap.Pop(h).(item)
		if top.dist != dist[top.vertex] {
			continue
		}
		for _, e := range adjacency[top.vertex] {
			d := top.dist + e.weight
			if dist[e.to] == -1 || d < dist[e.to] {
				dist[e.to] = d
				heap.Push(h, item{d, e.to})
			}
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for v := 1; v <= n; v++ {
		out.WriteString(strconv.FormatInt(dist[v], 10))
		if v == n {
			out.WriteString("\n")
		} else {
			out.WriteString(" ")
		}
	}
}
