impl Solution {
    pub fn coin_change(coins: Vec<i32>, amount: i32) -> i32 {
        let amount = amount as usize;
        let unreachable = amount + 1;
        let mut best = vec![unreachable; amount + 1];
        best[0] = 0;
        for total in 1..=amount {
            for &coin in &coins {
                let coin = coin as usize;
                if coin <= total && best[total - coin] + 1 < best[total] {
                    best[total] = best[total - coin] + 1;
                }
            }
        }
        if best[amount] == unreachable {
            -1
        } else {
            best[amount] as i32
        }
    }
}
