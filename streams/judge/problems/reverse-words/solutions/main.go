package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	in.Scan()
	n, _ := strconv.Atoi(strings.TrimSpace(in.Text()))
	for i := 0; i < n; i++ {
		line := ""
		if in.Scan() {
			line = in.Text()
		}
		words := strings.Fields(line)
		for l, r := 0, len(words)-1; l < r; l, r = l+1, r-1 {
			words[l], words[r] = words[r], words[l]
		}
		out.WriteString(strings.Join(words, " "))
		out.WriteString("\n")
	}
}
