public class Solution {
    public int[] ProductExceptSelf(int[] nums) {
        // TODO: Product of Array Except Self
    }
}
