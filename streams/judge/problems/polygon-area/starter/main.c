#include <stdio.h>

int main(void) {
    /* TODO: Polygon Area */
    return 0;
}
