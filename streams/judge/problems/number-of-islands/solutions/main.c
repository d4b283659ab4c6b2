#include <stdlib.h>
#include <string.h>

int numIslands(char** grid, int gridSize) {
    int rows = gridSize, cols = rows ? (int)strlen(grid[0]) : 0, islands = 0;
    int* stack = malloc(sizeof(int) * (rows * cols + 1));
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            if (grid[r][c] != '1') continue;
            islands++;
            grid[r][c] = '0';
            int top = 0;
            stack[top++] = r * cols + c;
            while (top > 0) {
                int y = stack[top - 1] / cols, x = stack[top - 1] % cols;
                top--;
                const int dy[] = {1, -1, 0, 0}, dx[] = {0, 0, 1, -1};
                for (int d = 0; d < 4; d++) {
                    int ny = y + dy[d], nx = x + dx[d];
                    if (ny >= 0 && ny < rows && nx >= 0 && nx < cols && grid[ny][nx] == '1') {
                        grid[ny][nx] = '0';
                        stack[top++] = ny * cols + nx;
                    }
                }
            }
        }
    free(stack);
    return islands;
}
