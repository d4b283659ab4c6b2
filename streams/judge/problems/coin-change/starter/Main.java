class Solution {
    public int coinChange(int[] coins, int amount) {
        // TODO: Coin Change
    }
}
