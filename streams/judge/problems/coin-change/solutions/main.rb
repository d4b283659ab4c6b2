def coin_change(coins, amount)
  unreachable = amount + 1
  best = [0] + [unreachable] * amount
  (1..amount).each do |total|
    coins.each do |coin|
      best[total] = best[total - coin] + 1 if coin <= total && best[total - coin] + 1 < best[total]
    end
  end
  best[amount] == unreachable ? -1 : best[amount]
end
