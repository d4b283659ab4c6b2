char*** groupAnagrams(char** strs, int strsSize, int* returnSize, int** returnColumnSizes) {
    // TODO: Group Anagrams
    /* Return malloc'd rows; set *returnSize to their number and *returnColumnSizes to each row's size. */
}
