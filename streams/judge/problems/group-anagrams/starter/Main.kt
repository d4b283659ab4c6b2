class Solution {
    fun groupAnagrams(strs: Array<String>): List<List<String>> {
        // TODO: Group Anagrams
    }
}
