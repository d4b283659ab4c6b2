impl Solution {
    pub fn search(nums: Vec<i32>, target: i32) -> i32 {
        let (mut lo, mut hi) = (0i64, nums.len() as i64 - 1);
        while lo <= hi {
            let mid = lo + (hi - lo) / 2;
            let value = nums[mid as usize];
            if value == target {
                return mid as i32;
            }
            if value < target {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        -1
    }
}
