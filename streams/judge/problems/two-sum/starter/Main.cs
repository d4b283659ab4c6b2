public class Solution {
    public int[] TwoSum(int[] nums, int target) {
        // TODO: Two Sum
    }
}
