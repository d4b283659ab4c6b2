# @param {Integer[]} nums
# @param {Integer} target
# @return {Integer}
def search(nums, target)
  # TODO: Binary Search
end
