const lines = require('fs').readFileSync(0, 'utf8').split('\n');
const n = Number(lines[0]);
const out = [];
for (let i = 1; i <= n; i++) {
  out.push((lines[i] || '').split(/\s+/).filter(Boolean).reverse().join(' '));
}
process.stdout.write(out.join('\n') + '\n');
