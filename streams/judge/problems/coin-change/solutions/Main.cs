public class Solution {
    public int CoinChange(int[] coins, int amount) {
        int unreachable = amount + 1;
        var best = new int[amount + 1];
        for (int total = 1; total <= amount; total++) {
            best[total] = unreachable;
            foreach (int coin in coins) {
                if (coin <= total && best[total - coin] + 1 < best[total]) {
                    best[total] = best[total - coin] + 1;
                }
            }
        }
        return best[amount] == unreachable ? -1 : best[amount];
    }
}
