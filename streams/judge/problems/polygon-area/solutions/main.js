const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).map(Number);
const n = data[0];
// Partial sums of twice the area can reach 10^16, beyond 2^53: BigInt.
let twice = 0n;
for (let i = 0; i < n; i++) {
  const j = (i + 1) % n;
  twice += BigInt(data[1 + 2 * i]) * BigInt(data[2 + 2 * j]) - BigInt(data[1 + 2 * j]) * BigInt(data[2 + 2 * i]);
}
if (twice < 0n) twice = -twice;
console.log(`${twice / 2n}.${twice % 2n === 1n ? 5 : 0}`);
