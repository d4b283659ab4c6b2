function topKFrequent(nums: number[], k: number): number[] {
  // TODO: Top K Frequent Elements
}
