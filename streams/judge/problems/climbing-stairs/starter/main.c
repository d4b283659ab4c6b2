int climbStairs(int n) {
    // TODO: Climbing Stairs
}
