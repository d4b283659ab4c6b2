# @param {Integer[]} nums
# @return {Integer[]}
def product_except_self(nums)
  # TODO: Product of Array Except Self
end
