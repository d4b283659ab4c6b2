impl Solution {
    pub fn is_valid(s: String) -> bool {
        let mut stack: Vec<char> = Vec::new();
        for ch in s.chars() {
            let open = match ch {
                ')' => '(',
                ']' => '[',
                '}' => '{',
                _ => {
                    stack.push(ch);
                    continue;
                }
            };
            if stack.pop() != Some(open) {
                return false;
            }
        }
        stack.is_empty()
    }
}
