int coinChange(int* coins, int coinsSize, int amount) {
    // TODO: Coin Change
}
