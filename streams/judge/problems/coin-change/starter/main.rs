// The judge supplies `struct Solution;` and calls Solution::coin_change
// with each test's arguments: write no fn main.
impl Solution {
    pub fn coin_change(coins: Vec<i32>, amount: i32) -> i32 {
        todo!("Coin Change")
    }
}
