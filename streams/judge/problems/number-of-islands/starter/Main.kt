class Solution {
    fun numIslands(grid: Array<String>): Int {
        // TODO: Number of Islands
    }
}
