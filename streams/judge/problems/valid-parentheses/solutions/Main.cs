using System.Collections.Generic;

public class Solution {
    public bool IsValid(string s) {
        var pairs = new Dictionary<char, char> { { ')', '(' }, { ']', '[' }, { '}', '{' } };
        var stack = new Stack<char>();
        foreach (char ch in s) {
            char open;
            if (pairs.TryGetValue(ch, out open)) {
                if (stack.Count == 0 || stack.Pop() != open) return false;
            } else {
                stack.Push(ch);
            }
        }
        return stack.Count == 0;
    }
}
