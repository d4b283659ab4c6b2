public class Solution {
    public int ClimbStairs(int n) {
        // TODO: Climbing Stairs
    }
}
