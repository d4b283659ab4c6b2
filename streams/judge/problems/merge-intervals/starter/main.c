int** merge(int** intervals, int intervalsSize, int* intervalsColSize, int* returnSize, int** returnColumnSizes) {
    // TODO: Merge Intervals
    /* Return malloc'd rows; set *returnSize to their number and *returnColumnSizes to each row's size. */
}
