const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).map(Number);
const [n, m, s] = data;
const adjacency = Array.from({ length: n + 1 }, () => []);
for (let i = 0; i < m; i++) adjacency[data[3 + 3 * i]].push([data[4 + 3 * i], data[5 + 3 * i]]);

// A binary min-heap of [distance, vertex]; distances stay below 2^53 (2000 * 1e9).
const heap = [];
function push(item) {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent][0] <= heap[i][0]) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
}
function pop() {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1][0] < heap[child][0]) child++;
      if (heap[child][0] >= heap[i][0]) break;
      [heap[child], heap[i]] = [heap[i], heap[child]];
      i = child;
    }
  }
  return top;
}

const dist = new Array(n + 1).fill(-1);
dist[s] = 0;
push([0, s]);
while (heap.length > 0) {
  const [d, u] = pop();
  if (d !== dist[u]) continue;
  for (const [v, w] of adjacency[u]) {
    if (dist[v] === -1 || d + w < dist[v]) {
      dist[v] = d + w;
      push([d + w, v]);
    }
  }
}
console.log(dist.slice(1).join(' '));
