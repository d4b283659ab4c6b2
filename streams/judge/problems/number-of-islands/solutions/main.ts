function numIslands(grid: string[]): number {
  const rows = grid.length;
  const cols = grid[0].length;
  const seen = new Uint8Array(rows * cols);
  let islands = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (grid[r][c] !== '1' || seen[r * cols + c]) continue;
      islands++;
      seen[r * cols + c] = 1;
      const stack: number[] = [r * cols + c];
      while (stack.length) {
        const cell = stack.pop() as number;
        const y = Math.floor(cell / cols);
        const x = cell % cols;
        for (const [ny, nx] of [[y + 1, x], [y - 1, x], [y, x + 1], [y, x - 1]]) {
          if (ny >= 0 && ny < rows && nx >= 0 && nx < cols && grid[ny][nx] === '1' && !seen[ny * cols + nx]) {
            seen[ny * cols + nx] = 1;
            stack.push(ny * cols + nx);
          }
        }
      }
    }
  }
  return islands;
}
