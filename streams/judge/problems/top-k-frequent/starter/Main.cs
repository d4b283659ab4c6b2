public class Solution {
    public int[] TopKFrequent(int[] nums, int k) {
        // TODO: Top K Frequent Elements
    }
}
