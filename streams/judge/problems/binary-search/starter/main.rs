// The judge supplies `struct Solution;` and calls Solution::search
// with each test's arguments: write no fn main.
impl Solution {
    pub fn search(nums: Vec<i32>, target: i32) -> i32 {
        todo!("Binary Search")
    }
}
