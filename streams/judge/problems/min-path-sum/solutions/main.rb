data = STDIN.read.split.map!(&:to_i)
rows = data[0]
cols = data[1]
best = Array.new(cols, 0)
k = 2
rows.times do |r|
  cols.times do |c|
    v = data[k]
    k += 1
    if r == 0 && c == 0
      best[c] = v
    elsif r == 0
      best[c] = best[c - 1] + v
    elsif c == 0
      best[c] += v
    else
      a = best[c]
      b = best[c - 1]
      best[c] = (a < b ? a : b) + v
    end
  end
end
puts best[cols - 1]
