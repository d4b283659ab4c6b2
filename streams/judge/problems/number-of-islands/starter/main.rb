# @param {String[]} grid
# @return {Integer}
def num_islands(grid)
  # TODO: Number of Islands
end
