package main

func coinChange(coins []int, amount int) int {
	unreachable := amount + 1
	best := make([]int, amount+1)
	for total := 1; total <= amount; total++ {
		best[total] = unreachable
		for _, coin := range coins {
			if coin <= total && best[total-coin]+1 < best[total] {
				best[total] = best[total-coin] + 1
			}
		}
	}
	if best[amount] == unreachable {
		return -1
	}
	return best[amount]
}
