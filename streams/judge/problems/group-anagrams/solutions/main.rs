use std::collections::HashMap;

impl Solution {
    pub fn group_anagrams(strs: Vec<String>) -> Vec<Vec<String>> {
        let mut index: HashMap<Vec<char>, usize> = HashMap::new();
        let mut groups: Vec<Vec<String>> = Vec::new();
        for word in strs {
            let mut key: Vec<char> = word.chars().collect();
            key.sort_unstable();
            let at = *index.entry(key).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[at].push(word);
        }
        groups
    }
}
