#include <stdio.h>

int main(void) {
    /* TODO: A + B */
    return 0;
}
