data = STDIN.read.split
t = data[0].to_i
out = Array.new(t) { |i| format("%.9f", Math.sqrt(data[1 + i].to_f)) }
STDOUT.write(out.join("\n") << "\n")
