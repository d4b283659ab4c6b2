impl Solution {
    pub fn num_islands(grid: Vec<String>) -> i32 {
        let grid: Vec<&[u8]> = grid.iter().map(|row| row.as_bytes()).collect();
        let rows = grid.len();
        let cols = if rows > 0 { grid[0].len() } else { 0 };
        let mut seen = vec![vec![false; cols]; rows];
        let mut islands = 0;
        for r in 0..rows {
            for c in 0..cols {
                if grid[r][c] != b'1' || seen[r][c] {
                    continue;
                }
                islands += 1;
                seen[r][c] = true;
                let mut stack = vec![(r, c)];
                while let Some((y, x)) = stack.pop() {
                    let mut visit = |ny: usize, nx: usize| {
                        if ny < rows && nx < cols && grid[ny][nx] == b'1' && !seen[ny][nx] {
                            seen[ny][nx] = true;
                            stack.push((ny, nx));
                        }
                    };
                    visit(y + 1, x);
                    visit(y.wrapping_sub(1), x);
                    visit(y, x + 1);
                    visit(y, x.wrapping_sub(1));
                }
            }
        }
        islands
    }
}
