class Solution {
    fun numIslands(grid: Array<String>): Int {
        val rows = grid.size
        val cols = if (rows == 0) 0 else grid[0].length
        val seen = Array(rows) { BooleanArray(cols) }
        val steps = arrayOf(intArrayOf(1, 0), intArrayOf(-1, 0), intArrayOf(0, 1), intArrayOf(0, -1))
        var islands = 0
        for (r in 0 until rows) {
            for (c in 0 until cols) {
                if (grid[r][c] != '1' || seen[r][c]) continue
                islands++
                seen[r][c] = true
                val stack = ArrayDeque<IntArray>()
                stack.addLast(intArrayOf(r, c))
                while (stack.isNotEmpty()) {
                    val cell = stack.removeLast()
                    for (step in steps) {
                        val y = cell[0] + step[0]
                        val x = cell[1] + step[1]
                        if (y in 0 until rows && x in 0 until cols && grid[y][x] == '1' && !seen[y][x]) {
                            seen[y][x] = true
                            stack.addLast(intArrayOf(y, x))
                        }
                    }
                }
            }
        }
        return islands
    }
}
