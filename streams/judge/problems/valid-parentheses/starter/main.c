#include <stdbool.h>

bool isValid(char* s) {
    // TODO: Valid Parentheses
}
