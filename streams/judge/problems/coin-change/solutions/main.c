#include <stdlib.h>

int coinChange(int* coins, int coinsSize, int amount) {
    int unreachable = amount + 1;
    int* best = malloc(sizeof(int) * (amount + 1));
    best[0] = 0;
    for (int total = 1; total <= amount; total++) {
        best[total] = unreachable;
        for (int i = 0; i < coinsSize; i++)
            if (coins[i] <= total && best[total - coins[i]] + 1 < best[total])
                best[total] = best[total - coins[i]] + 1;
    }
    int answer = best[amount] == unreachable ? -1 : best[amount];
    free(best);
    return answer;
}
