public class Solution {
    public bool IsValid(string s) {
        // TODO: Valid Parentheses
    }
}
