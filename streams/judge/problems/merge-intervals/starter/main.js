/**
 * @param {number[][]} intervals
 * @return {number[][]}
 */
function merge(intervals) {
  // TODO: Merge Intervals
}
