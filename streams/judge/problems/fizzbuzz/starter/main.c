#include <stdio.h>

int main(void) {
    /* TODO: FizzBuzz */
    return 0;
}
