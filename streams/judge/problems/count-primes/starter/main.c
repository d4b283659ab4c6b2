#include <stdio.h>

int main(void) {
    /* TODO: Count Primes */
    return 0;
}
