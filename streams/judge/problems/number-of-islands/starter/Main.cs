public class Solution {
    public int NumIslands(string[] grid) {
        // TODO: Number of Islands
    }
}
