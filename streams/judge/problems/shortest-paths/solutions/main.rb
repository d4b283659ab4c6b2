# Dijkstra with a binary heap of [distance, vertex] pairs.
data = STDIN.read.split.map!(&:to_i)
n = data[0]
m = data[1]
source = data[2]
adjacency = Array.new(n + 1) { [] }
m.times do |i|
  u = data[3 + 3 * i]
  adjacency[u] << data[4 + 3 * i] << data[5 + 3 * i]
end
dist = Array.new(n + 1, -1)
dist[source] = 0
hd = [0]      # heap distances
hv = [source] # heap vertices
until hd.empty?
  d = hd[0]
  u = hv[0]
  # pop
  ld = hd.pop
  lv = hv.pop
  size = hd.size
  if size > 0
    i = 0
    loop do
      l = 2 * i + 1
      break if l >= size
      r = l + 1
      l = r if r < size && hd[r] < hd[l]
      break if hd[l] >= ld
      hd[i] = hd[l]
      hv[i] = hv[l]
      i = l
    end
    hd[i] = ld
    hv[i] = lv
  end
  next if d > dist[u]
  edges = adjacency[u]
  k = 0
  len = edges.size
  while k < len
    v = edges[k]
    nd = d + edges[k + 1]
    k += 2
    dv = dist[v]
    next unless dv < 0 || nd < dv
    dist[v] = nd
    # push
    i = hd.size
    hd << nd
    hv << v
    while i > 0
      p = (i - 1) >> 1
      break if hd[p] <= nd
      hd[i] = hd[p]
      hv[i] = hv[p]
      i = p
    end
    hd[i] = nd
    hv[i] = v
  end
end
puts dist[1..].join(" ")
