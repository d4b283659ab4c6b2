function topKFrequent(nums: number[], k: number): number[] {
  const counts = new Map<number, number>();
  for (const x of nums) counts.set(x, (counts.get(x) || 0) + 1);
  const count = (x: number): number => counts.get(x) || 0;
  return [...counts.keys()].sort((a, b) => count(b) - count(a) || a - b).slice(0, k);
}
