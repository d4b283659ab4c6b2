# @param {String[]} strs
# @return {String[][]}
def group_anagrams(strs)
  # TODO: Group Anagrams
end
