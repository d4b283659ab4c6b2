impl Solution {
    pub fn product_except_self(nums: Vec<i32>) -> Vec<i32> {
        let mut answer = vec![1i32; nums.len()];
        let mut prefix = 1i32;
        for (i, &x) in nums.iter().enumerate() {
            answer[i] = prefix;
            prefix = prefix.wrapping_mul(x);
        }
        let mut suffix = 1i32;
        for i in (0..nums.len()).rev() {
            answer[i] = answer[i].wrapping_mul(suffix);
            suffix = suffix.wrapping_mul(nums[i]);
        }
        answer
    }
}
