function productExceptSelf(nums: number[]): number[] {
  // TODO: Product of Array Except Self
}
