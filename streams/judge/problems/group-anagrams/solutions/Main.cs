using System;
using System.Collections.Generic;

public class Solution {
    public IList<IList<string>> GroupAnagrams(string[] strs) {
        var groups = new Dictionary<string, List<string>>();
        var order = new List<IList<string>>();
        foreach (string word in strs) {
            char[] letters = word.ToCharArray();
            Array.Sort(letters);
            string key = new string(letters);
            List<string> group;
            if (!groups.TryGetValue(key, out group)) {
                group = new List<string>();
                groups[key] = group;
                order.Add(group);
            }
            group.Add(word);
        }
        return order;
    }
}
