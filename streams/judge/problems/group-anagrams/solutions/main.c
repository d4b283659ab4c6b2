#include <stdlib.h>
#include <string.h>

char*** groupAnagrams(char** strs, int strsSize, int* returnSize, int** returnColumnSizes) {
    /* Each word's letters sorted (its key); a word joins the first group whose key is its own. */
    char** keys = malloc(sizeof(char*) * (strsSize + 1));
    int* group_of = malloc(sizeof(int) * (strsSize + 1));
    char*** groups = malloc(sizeof(char**) * (strsSize + 1));
    int* sizes = calloc(strsSize + 1, sizeof(int));
    int count = 0;
    /* An open-addressing table of keys, so grouping stays near-linear. */
    int capacity = 1;
    while (capacity < 2 * strsSize + 2) capacity <<= 1;
    int* table = malloc(sizeof(int) * capacity);
    for (int i = 0; i < capacity; i++) table[i] = -1;
    for (int w = 0; w < strsSize; w++) {
        size_t length = strlen(strs[w]);
        int letters[256] = {0};
        for (size_t c = 0; c < length; c++) letters[(unsigned char)strs[w][c]]++;
        char* key = malloc(length + 1);
        size_t at = 0;
        for (int c = 0; c < 256; c++)
            while (letters[c]--) key[at++] = (char)c;
        key[at] = '\0';
        unsigned long hash = 5381;
        for (size_t c = 0; c < length; c++) hash = hash * 33 + (unsigned char)key[c];
        int slot = (int)(hash & (unsigned long)(capacity - 1));
        while (table[slot] != -1 && strcmp(keys[table[slot]], key) != 0) slot = (slot + 1) & (capacity - 1);
        if (table[slot] == -1) {
            table[slot] = count;
            keys[count] = key;
            groups[count] = malloc(sizeof(char*) * (strsSize + 1));
            count++;
        } else {
            free(key);
        }
        int g = table[slot];
        groups[g][sizes[g]++] = strs[w];
        group_of[w] = g;
    }
    free(table);
    free(group_of);
    *returnSize = count;
    *returnColumnSizes = sizes;
    return groups;
}
