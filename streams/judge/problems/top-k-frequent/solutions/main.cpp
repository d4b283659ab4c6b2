#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<int> topKFrequent(vector<int>& nums, int k) {
        unordered_map<int, int> counts;
        for (int x : nums) counts[x]++;
        vector<int> values;
        for (const auto& [value, count] : counts) values.push_back(value);
        sort(values.begin(), values.end(), [&](int a, int b) {
            return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
        });
        values.resize(k);
        return values;
    }
};
