// The judge supplies `struct Solution;` and calls Solution::max_sub_array
// with each test's arguments: write no fn main.
impl Solution {
    pub fn max_sub_array(nums: Vec<i32>) -> i32 {
        todo!("Maximum Subarray")
    }
}
