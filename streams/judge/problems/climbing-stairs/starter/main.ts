function climbStairs(n: number): number {
  // TODO: Climbing Stairs
}
