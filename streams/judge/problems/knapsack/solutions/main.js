const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).map(Number);
const [n, capacity] = data;
// Values sum to at most 100 * 1e9 = 1e11: exact in a double.
const best = new Float64Array(capacity + 1);
for (let i = 0; i < n; i++) {
  const weight = data[2 + 2 * i];
  const value = data[3 + 2 * i];
  // Downwards, so each item is used at most once.
  for (let c = capacity; c >= weight; c--) {
    if (best[c - weight] + value > best[c]) best[c] = best[c - weight] + value;
  }
}
console.log(String(best[capacity]));
