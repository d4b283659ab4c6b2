class Solution {
    public int[] topKFrequent(int[] nums, int k) {
        // TODO: Top K Frequent Elements
    }
}
