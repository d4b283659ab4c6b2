// The judge supplies `struct Solution;` and calls Solution::two_sum
// with each test's arguments: write no fn main.
impl Solution {
    pub fn two_sum(nums: Vec<i32>, target: i32) -> Vec<i32> {
        todo!("Two Sum")
    }
}
