use std::collections::HashMap;

impl Solution {
    pub fn top_k_frequent(nums: Vec<i32>, k: i32) -> Vec<i32> {
        let mut counts: HashMap<i32, usize> = HashMap::new();
        for x in nums {
            *counts.entry(x).or_insert(0) += 1;
        }
        let mut values: Vec<i32> = counts.keys().copied().collect();
        values.sort_by_key(|value| (std::cmp::Reverse(counts[value]), *value));
        values.truncate(k as usize);
        values
    }
}
