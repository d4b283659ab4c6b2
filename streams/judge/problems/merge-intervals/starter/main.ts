function merge(intervals: number[][]): number[][] {
  // TODO: Merge Intervals
}
