/**
 * @param {number} n
 * @return {number}
 */
function climbStairs(n) {
  // TODO: Climbing Stairs
}
