# @param {Integer[]} nums
# @return {Integer}
def max_sub_array(nums)
  # TODO: Maximum Subarray
end
