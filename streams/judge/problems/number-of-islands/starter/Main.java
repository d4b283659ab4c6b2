class Solution {
    public int numIslands(char[][] grid) {
        // TODO: Number of Islands
    }
}
