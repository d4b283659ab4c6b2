# @param {Integer[][]} intervals
# @return {Integer[][]}
def merge(intervals)
  # TODO: Merge Intervals
end
