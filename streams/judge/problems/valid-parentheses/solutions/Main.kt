class Solution {
    fun isValid(s: String): Boolean {
        val pairs = mapOf(')' to '(', ']' to '[', '}' to '{')
        val stack = ArrayDeque<Char>()
        for (ch in s) {
            val open = pairs[ch]
            if (open == null) {
                stack.addLast(ch)
            } else if (stack.isEmpty() || stack.removeLast() != open) {
                return false
            }
        }
        return stack.isEmpty()
    }
}
