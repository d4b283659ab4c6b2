class Solution {
    public int[] twoSum(int[] nums, int target) {
        // TODO: Two Sum
    }
}
