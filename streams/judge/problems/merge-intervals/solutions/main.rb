def merge(intervals)
  merged = []
  intervals.sort.each do |start, finish|
    if !merged.empty? && start <= merged[-1][1]
      merged[-1][1] = [merged[-1][1], finish].max
    else
      merged << [start, finish]
    end
  end
  merged
end
