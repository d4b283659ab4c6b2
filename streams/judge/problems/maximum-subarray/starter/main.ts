function maxSubArray(nums: number[]): number {
  // TODO: Maximum Subarray
}
