#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<vector<string>> groupAnagrams(vector<string>& strs) {
        unordered_map<string, size_t> group_of;
        vector<vector<string>> groups;
        for (const string& word : strs) {
            string key = word;
            sort(key.begin(), key.end());
            auto [it, added] = group_of.emplace(key, groups.size());
            if (added) groups.emplace_back();
            groups[it->second].push_back(word);
        }
        return groups;
    }
};
