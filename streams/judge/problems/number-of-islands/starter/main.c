int numIslands(char** grid, int gridSize) {
    // TODO: Number of Islands
}
