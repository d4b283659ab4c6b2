class Solution {
    fun climbStairs(n: Int): Int {
        // TODO: Climbing Stairs
    }
}
