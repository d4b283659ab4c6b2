function search(nums: number[], target: number): number {
  // TODO: Binary Search
}
