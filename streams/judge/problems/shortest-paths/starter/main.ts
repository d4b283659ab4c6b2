// @ts-ignore -- node's require; @types/node may not be installed
const data: string[] = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
// TODO: Shortest Paths (Dijkstra)
