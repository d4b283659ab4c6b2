def coinChange(coins: list[int], amount: int) -> int:
    unreachable = amount + 1
    best = [0] + [unreachable] * amount
    for total in range(1, amount + 1):
        fewest = unreachable
        for coin in coins:
            if coin <= total and best[total - coin] + 1 < fewest:
                fewest = best[total - coin] + 1
        best[total] = fewest
    return -1 if best[amount] == unreachable else best[amount]
