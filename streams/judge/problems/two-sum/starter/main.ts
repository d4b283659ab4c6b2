function twoSum(nums: number[], target: number): number[] {
  // TODO: Two Sum
}
