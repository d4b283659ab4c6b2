// The judge supplies `struct Solution;` and calls Solution::group_anagrams
// with each test's arguments: write no fn main.
impl Solution {
    pub fn group_anagrams(strs: Vec<String>) -> Vec<Vec<String>> {
        todo!("Group Anagrams")
    }
}
