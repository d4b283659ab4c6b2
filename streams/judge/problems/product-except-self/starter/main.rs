// The judge supplies `struct Solution;` and calls Solution::product_except_self
// with each test's arguments: write no fn main.
impl Solution {
    pub fn product_except_self(nums: Vec<i32>) -> Vec<i32> {
        todo!("Product of Array Except Self")
    }
}
