def product_except_self(nums)
  n = nums.length
  answer = Array.new(n, 1)
  prefix = 1
  n.times do |i|
    answer[i] = prefix
    prefix *= nums[i]
  end
  suffix = 1
  (n - 1).downto(0) do |i|
    answer[i] *= suffix
    suffix *= nums[i]
  end
  answer
end
