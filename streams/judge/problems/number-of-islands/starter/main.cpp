#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    int numIslands(vector<string>& grid) {
        // TODO: Number of Islands
    }
};
