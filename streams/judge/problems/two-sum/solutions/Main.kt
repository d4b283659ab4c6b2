class Solution {
    fun twoSum(nums: IntArray, target: Int): IntArray {
        val seen = HashMap<Int, Int>()
        for ((i, x) in nums.withIndex()) {
            val j = seen[target - x]
            if (j != null) return intArrayOf(j, i)
            seen[x] = i
        }
        return intArrayOf()
    }
}
