data = STDIN.read.split
t = data[0].to_i
out = Array.new(t) { |i| data[1 + 2 * i].to_i + data[2 + 2 * i].to_i }
STDOUT.write(out.join("\n") << "\n")
