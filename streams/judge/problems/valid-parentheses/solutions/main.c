#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

bool isValid(char* s) {
    size_t length = strlen(s);
    char* stack = malloc(length + 1);
    size_t top = 0;
    bool valid = true;
    for (size_t i = 0; i < length && valid; i++) {
        char ch = s[i];
        if (ch == '(' || ch == '[' || ch == '{') {
            stack[top++] = ch;
            continue;
        }
        char open = ch == ')' ? '(' : ch == ']' ? '[' : '{';
        if (top == 0 || stack[--top] != open) valid = false;
    }
    valid = valid && top == 0;
    free(stack);
    return valid;
}
