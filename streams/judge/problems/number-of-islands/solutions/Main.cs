using System.Collections.Generic;

public class Solution {
    public int NumIslands(string[] grid) {
        int rows = grid.Length;
        int cols = rows == 0 ? 0 : grid[0].Length;
        var seen = new bool[rows, cols];
        int[][] steps = { new[] { 1, 0 }, new[] { -1, 0 }, new[] { 0, 1 }, new[] { 0, -1 } };
        int islands = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (grid[r][c] != '1' || seen[r, c]) continue;
                islands++;
                seen[r, c] = true;
                var stack = new Stack<int[]>();
                stack.Push(new[] { r, c });
                while (stack.Count > 0) {
                    int[] cell = stack.Pop();
                    foreach (int[] step in steps) {
                        int y = cell[0] + step[0], x = cell[1] + step[1];
                        if (y >= 0 && y < rows && x >= 0 && x < cols && grid[y][x] == '1' && !seen[y, x]) {
                            seen[y, x] = true;
                            stack.Push(new[] { y, x });
                        }
                    }
                }
            }
        }
        return islands;
    }
}
