#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    static char line[4096];
    if (!fgets(line, sizeof line, stdin)) return 1;
    int n = atoi(line);
    for (int i = 0; i < n; i++) {
        if (!fgets(line, sizeof line, stdin)) line[0] = '\0';
        char *words[2048];
        int count = 0;
        for (char *word = strtok(line, " \t\r\n"); word; word = strtok(NULL, " \t\r\n")) {
            words[count++] = word;
        }
        for (int j = count - 1; j >= 0; j--) {
            fputs(words[j], stdout);
            if (j > 0) putchar(' ');
        }
        putchar('\n');
    }
    return 0;
}
