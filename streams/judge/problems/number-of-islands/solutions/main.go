package main

func numIslands(grid []string) int {
	rows := len(grid)
	if rows == 0 {
		return 0
	}
	cols := len(grid[0])
	seen := make([][]bool, rows)
	for r := range seen {
		seen[r] = make([]bool, cols)
	}
	islands := 0
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if grid[r][c] != '1' || seen[r][c] {
				continue
			}
			islands++
			seen[r][c] = true
			stack := [][2]int{{r, c}}
			for len(stack) > 0 {
				at := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, step := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					y, x := at[0]+step[0], at[1]+step[1]
					if y >= 0 && y < rows && x >= 0 && x < cols && grid[y][x] == '1' && !seen[y][x] {
						seen[y][x] = true
						stack = append(stack, [2]int{y, x})
					}
				}
			}
		}
	}
	return islands
}
