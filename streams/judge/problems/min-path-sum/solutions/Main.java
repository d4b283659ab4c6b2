import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        int rows = Integer.parseInt(st.nextToken());
        int cols = Integer.parseInt(st.nextToken());
        // best[c]: the cheapest path to column c of the current row.
        long[] best = new long[cols];
        for (int r = 0; r < rows; r++) {
            st = new StringTokenizer(in.readLine());
            for (int c = 0; c < cols; c++) {
                long cell = Long.parseLong(st.nextToken());
                if (r == 0 && c == 0) best[c] = cell;
                else if (r == 0) best[c] = best[c - 1] + cell;
                else if (c == 0) best[c] += cell;
                else best[c] = Math.min(best[c], best[c - 1]) + cell;
            }
        }
        System.out.println(best[cols - 1]);
    }
}
