def is_valid(s)
  pairs = { ")" => "(", "]" => "[", "}" => "{" }
  stack = []
  s.each_char do |ch|
    if pairs.key?(ch)
      return false if stack.empty? || stack.pop != pairs[ch]
    else
      stack << ch
    end
  end
  stack.empty?
end
