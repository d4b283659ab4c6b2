#include <stdio.h>

int main(void) {
    /* TODO: Reverse Words in a Line */
    return 0;
}
