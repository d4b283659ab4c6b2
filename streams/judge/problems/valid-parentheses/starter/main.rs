// The judge supplies `struct Solution;` and calls Solution::is_valid
// with each test's arguments: write no fn main.
impl Solution {
    pub fn is_valid(s: String) -> bool {
        todo!("Valid Parentheses")
    }
}
