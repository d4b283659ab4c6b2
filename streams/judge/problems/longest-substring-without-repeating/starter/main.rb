# @param {String} s
# @return {Integer}
def length_of_longest_substring(s)
  # TODO: Longest Substring Without Repeating Characters
end
