class Solution {
    public int[] productExceptSelf(int[] nums) {
        // TODO: Product of Array Except Self
    }
}
