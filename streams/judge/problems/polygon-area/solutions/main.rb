data = STDIN.read.split.map!(&:to_i)
n = data[0]
twice = 0
n.times do |i|
  j = (i + 1) % n
  twice += data[1 + 2 * i] * data[2 + 2 * j] - data[1 + 2 * j] * data[2 + 2 * i]
end
twice = twice.abs
puts "#{twice / 2}.#{twice.odd? ? 5 : 0}"
