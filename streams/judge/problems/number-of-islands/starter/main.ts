function numIslands(grid: string[]): number {
  // TODO: Number of Islands
}
