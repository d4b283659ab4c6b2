#include <stdio.h>

int main(void) {
    /* TODO: Huge Fibonacci Numbers */
    return 0;
}
