public class Solution {
    public int Search(int[] nums, int target) {
        // TODO: Binary Search
    }
}
