class Solution {
    fun coinChange(coins: IntArray, amount: Int): Int {
        // TODO: Coin Change
    }
}
