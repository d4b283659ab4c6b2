const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).map(Number);
const [rows, cols] = data;
// best[c]: the cheapest path to column c of the current row.
const best = new Array(cols).fill(0);
for (let r = 0; r < rows; r++) {
  for (let c = 0; c < cols; c++) {
    const cell = data[2 + r * cols + c];
    if (r === 0 && c === 0) best[c] = cell;
    else if (r === 0) best[c] = best[c - 1] + cell;
    else if (c === 0) best[c] += cell;
    else best[c] = Math.min(best[c], best[c - 1]) + cell;
  }
}
console.log(best[cols - 1]);
