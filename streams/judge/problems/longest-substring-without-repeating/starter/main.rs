// The judge supplies `struct Solution;` and calls Solution::length_of_longest_substring
// with each test's arguments: write no fn main.
impl Solution {
    pub fn length_of_longest_substring(s: String) -> i32 {
        todo!("Longest Substring Without Repeating Characters")
    }
}
