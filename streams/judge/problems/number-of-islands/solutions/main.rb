def num_islands(grid)
  rows = grid.length
  cols = rows.zero? ? 0 : grid[0].length
  seen = Array.new(rows) { Array.new(cols, false) }
  islands = 0
  rows.times do |r|
    cols.times do |c|
      next if grid[r][c] != "1" || seen[r][c]

      islands += 1
      seen[r][c] = true
      stack = [[r, c]]
      until stack.empty?
        y, x = stack.pop
        [[y + 1, x], [y - 1, x], [y, x + 1], [y, x - 1]].each do |ny, nx|
          next unless ny >= 0 && ny < rows && nx >= 0 && nx < cols
          next if grid[ny][nx] != "1" || seen[ny][nx]

          seen[ny][nx] = true
          stack << [ny, nx]
        end
      end
    end
  end
  islands
end
