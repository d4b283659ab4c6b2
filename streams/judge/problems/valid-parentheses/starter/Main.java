class Solution {
    public boolean isValid(String s) {
        // TODO: Valid Parentheses
    }
}
