import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        int n = Integer.parseInt(st.nextToken());
        int capacity = Integer.parseInt(st.nextToken());
        long[] best = new long[capacity + 1];
        for (int i = 0; i < n; i++) {
            st = new StringTokenizer(in.readLine());
            int weight = Integer.parseInt(st.nextToken());
            long value = Long.parseLong(st.nextToken());
            // Downwards, so each item is used at most once.
            for (int c = capacity; c >= weight; c--) best[c] = Math.max(best[c], best[c - weight] + value);
        }
        System.out.println(best[capacity]);
    }
}
