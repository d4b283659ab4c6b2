/**
 * @param {number[]} nums
 * @return {number}
 */
function maxSubArray(nums) {
  // TODO: Maximum Subarray
}
