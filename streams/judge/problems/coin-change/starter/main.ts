function coinChange(coins: number[], amount: number): number {
  // TODO: Coin Change
}
