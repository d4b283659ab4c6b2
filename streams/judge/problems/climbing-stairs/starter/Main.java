class Solution {
    public int climbStairs(int n) {
        // TODO: Climbing Stairs
    }
}
