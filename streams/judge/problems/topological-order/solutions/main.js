const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).map(Number);
const [n, m] = data;
const successors = Array.from({ length: n + 1 }, () => []);
const indegree = new Array(n + 1).fill(0);
for (let i = 0; i < m; i++) {
  successors[data[2 + 2 * i]].push(data[3 + 2 * i]);
  indegree[data[3 + 2 * i]]++;
}
const order = [];
for (let v = 1; v <= n; v++) if (indegree[v] === 0) order.push(v);
// order doubles as the queue: everything before `done` is placed.
for (let done = 0; done < order.length; done++) {
  for (const v of successors[order[done]]) {
    if (--indegree[v] === 0) order.push(v);
  }
}
console.log(order.length === n ? order.join(' ') : 'IMPOSSIBLE');
