#include <stdio.h>

int main(void) {
    /* TODO: Course Schedule Order */
    return 0;
}
