lines = STDIN.read.split("\n", -1)
n = lines[0].to_i
out = Array.new(n) { |i| (lines[1 + i] || "").split.reverse.join(" ") }
STDOUT.write(out.join("\n") << "\n")
