# @param {Integer} n
# @return {Integer}
def climb_stairs(n)
  # TODO: Climbing Stairs
end
