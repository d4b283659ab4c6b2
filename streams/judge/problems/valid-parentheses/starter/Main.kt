class Solution {
    fun isValid(s: String): Boolean {
        // TODO: Valid Parentheses
    }
}
