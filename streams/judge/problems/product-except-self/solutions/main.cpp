#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<int> productExceptSelf(vector<int>& nums) {
        int n = nums.size();
        vector<int> answer(n, 1);
        long long prefix = 1;
        for (int i = 0; i < n; i++) {
            answer[i] = (int)prefix;
            prefix *= nums[i];
        }
        long long suffix = 1;
        for (int i = n - 1; i >= 0; i--) {
            answer[i] = (int)(answer[i] * suffix);
            suffix *= nums[i];
        }
        return answer;
    }
};
