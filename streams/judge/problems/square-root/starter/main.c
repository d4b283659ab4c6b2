#include <stdio.h>

int main(void) {
    /* TODO: Square Roots */
    return 0;
}
