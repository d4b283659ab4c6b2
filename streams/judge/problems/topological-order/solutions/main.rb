# Kahn's algorithm.
data = STDIN.read.split.map!(&:to_i)
n = data[0]
m = data[1]
successors = Array.new(n + 1) { [] }
indegree = Array.new(n + 1, 0)
m.times do |i|
  u = data[2 + 2 * i]
  v = data[3 + 2 * i]
  successors[u] << v
  indegree[v] += 1
end
order = (1..n).select { |v| indegree[v] == 0 }
head = 0
while head < order.size
  u = order[head]
  head += 1
  successors[u].each do |v|
    indegree[v] -= 1
    order << v if indegree[v] == 0
  end
end
puts(order.size == n ? order.join(" ") : "IMPOSSIBLE")
