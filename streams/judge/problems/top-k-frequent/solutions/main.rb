def top_k_frequent(nums, k)
  counts = nums.tally
  counts.keys.sort_by { |value| [-counts[value], value] }.first(k)
end
