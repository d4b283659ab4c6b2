/**
 * @param {number[]} nums
 * @return {number[]}
 */
function productExceptSelf(nums) {
  // TODO: Product of Array Except Self
}
