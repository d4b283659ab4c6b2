class Solution {
    fun climbStairs(n: Int): Int {
        var a = 1
        var b = 1
        repeat(n) {
            val next = a + b
            a = b
            b = next
        }
        return a
    }
}
