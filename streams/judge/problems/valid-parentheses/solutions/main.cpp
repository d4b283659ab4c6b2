#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    bool isValid(string s) {
        string stack;
        for (char ch : s) {
            if (ch == '(' || ch == '[' || ch == '{') {
                stack.push_back(ch);
                continue;
            }
            char open = ch == ')' ? '(' : ch == ']' ? '[' : '{';
            if (stack.empty() || stack.back() != open) return false;
            stack.pop_back();
        }
        return stack.empty();
    }
};
