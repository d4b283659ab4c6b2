#include <stdio.h>

int main(void) {
    /* TODO: Shortest Paths (Dijkstra) */
    return 0;
}
