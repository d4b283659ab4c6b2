class Solution {
    fun coinChange(coins: IntArray, amount: Int): Int {
        val unreachable = amount + 1
        val best = IntArray(amount + 1) { if (it == 0) 0 else unreachable }
        for (total in 1..amount) {
            for (coin in coins) {
                if (coin <= total && best[total - coin] + 1 < best[total]) {
                    best[total] = best[total - coin] + 1
                }
            }
        }
        return if (best[amount] == unreachable) -1 else best[amount]
    }
}
