public class Solution {
    public int ClimbStairs(int n) {
        int a = 1, b = 1;
        for (int i = 0; i < n; i++) {
            int next = a + b;
            a = b;
            b = next;
        }
        return a;
    }
}
