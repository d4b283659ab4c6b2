import java.util.*;

class Solution {
    public List<List<String>> groupAnagrams(String[] strs) {
        // TODO: Group Anagrams
    }
}
