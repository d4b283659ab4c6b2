const data = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
// TODO: 0/1 Knapsack
