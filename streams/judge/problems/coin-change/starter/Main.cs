public class Solution {
    public int CoinChange(int[] coins, int amount) {
        // TODO: Coin Change
    }
}
