MOD = 1_000_000_007

# [F(n), F(n+1)] mod MOD by fast doubling, iterating over the bits of n.
def fib(n)
  a = 0
  b = 1
  (n.bit_length - 1).downto(0) do |k|
    c = a * ((2 * b - a) % MOD) % MOD
    d = (a * a + b * b) % MOD
    if n[k] == 1
      a = d
      b = (c + d) % MOD
    else
      a = c
      b = d
    end
  end
  a
end

data = STDIN.read.split
t = data[0].to_i
out = Array.new(t) { |i| fib(data[1 + i].to_i) }
STDOUT.write(out.join("\n") << "\n")
