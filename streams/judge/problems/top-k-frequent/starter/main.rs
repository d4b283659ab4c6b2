// The judge supplies `struct Solution;` and calls Solution::top_k_frequent
// with each test's arguments: write no fn main.
impl Solution {
    pub fn top_k_frequent(nums: Vec<i32>, k: i32) -> Vec<i32> {
        todo!("Top K Frequent Elements")
    }
}
