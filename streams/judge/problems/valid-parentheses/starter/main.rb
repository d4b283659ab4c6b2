# @param {String} s
# @return {Boolean}
def is_valid(s)
  # TODO: Valid Parentheses
end
