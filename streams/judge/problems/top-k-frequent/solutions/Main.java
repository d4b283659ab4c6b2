import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class Solution {
    public int[] topKFrequent(int[] nums, int k) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int x : nums) counts.merge(x, 1, Integer::sum);
        List<Integer> values = new ArrayList<>(counts.keySet());
        values.sort((a, b) -> !counts.get(a).equals(counts.get(b))
                ? Integer.compare(counts.get(b), counts.get(a))
                : Integer.compare(a, b));
        int[] answer = new int[k];
        for (int i = 0; i < k; i++) answer[i] = values.get(i);
        return answer;
    }
}
