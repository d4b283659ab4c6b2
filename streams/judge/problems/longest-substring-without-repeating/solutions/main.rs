use std::collections::HashMap;

impl Solution {
    pub fn length_of_longest_substring(s: String) -> i32 {
        let mut last: HashMap<char, usize> = HashMap::new();
        let (mut best, mut start) = (0usize, 0usize);
        for (i, ch) in s.chars().enumerate() {
            if let Some(&at) = last.get(&ch) {
                if at >= start {
                    start = at + 1;
                }
            }
            last.insert(ch, i);
            best = best.max(i - start + 1);
        }
        best as i32
    }
}
