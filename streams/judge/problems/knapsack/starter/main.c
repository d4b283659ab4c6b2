#include <stdio.h>

int main(void) {
    /* TODO: 0/1 Knapsack */
    return 0;
}
