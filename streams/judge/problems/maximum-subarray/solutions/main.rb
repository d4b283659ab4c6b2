def max_sub_array(nums)
  best = current = nums[0]
  nums.drop(1).each do |x|
    current = [x, current + x].max
    best = [best, current].max
  end
  best
end
