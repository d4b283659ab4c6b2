// The judge supplies `struct Solution;` and calls Solution::merge
// with each test's arguments: write no fn main.
impl Solution {
    pub fn merge(intervals: Vec<Vec<i32>>) -> Vec<Vec<i32>> {
        todo!("Merge Intervals")
    }
}
