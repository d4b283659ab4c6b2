#include <stdio.h>

int main(void) {
    /* TODO: Minimum Path Sum */
    return 0;
}
