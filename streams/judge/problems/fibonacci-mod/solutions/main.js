const MOD = 1000000007n;

// [F(n), F(n+1)] mod MOD by fast doubling, in BigInt: products exceed 2^53.
function fib(n) {
  if (n === 0n) return [0n, 1n];
  const [a, b] = fib(n >> 1n);
  const c = (a * ((2n * b - a + MOD) % MOD)) % MOD;
  const d = (a * a + b * b) % MOD;
  return n & 1n ? [d, (c + d) % MOD] : [c, d];
}

const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
const t = Number(data[0]);
const out = [];
for (let i = 1; i <= t; i++) out.push(fib(BigInt(data[i]))[0].toString());
process.stdout.write(out.join('\n') + '\n');
