/**
 * @param {string[]} grid
 * @return {number}
 */
function numIslands(grid) {
  // TODO: Number of Islands
}
