const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
const t = Number(data[0]);
const out = [];
for (let i = 1; i <= t; i++) out.push(Math.sqrt(Number(data[i])).toFixed(9));
process.stdout.write(out.join('\n') + '\n');
