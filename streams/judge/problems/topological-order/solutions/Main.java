import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        int n = Integer.parseInt(st.nextToken());
        int m = Integer.parseInt(st.nextToken());
        List<List<Integer>> successors = new ArrayList<>();
        for (int i = 0; i <= n; i++) successors.add(new ArrayList<>());
        int[] indegree = new int[n + 1];
        for (int i = 0; i < m; i++) {
            st = new StringTokenizer(in.readLine());
            int u = Integer.parseInt(st.nextToken());
            int v = Integer.parseInt(st.nextToken());
            successors.get(u).add(v);
            indegree[v]++;
        }
        int[] order = new int[n];
        int taken = 0;
        for (int v = 1; v <= n; v++) {
            if (indegree[v] == 0) order[taken++] = v;
        }
        // order doubles as the queue: everything before `done` is placed.
        for (int done = 0; done < taken; done++) {
            for (int v : successors.get(order[done])) {
                if (--indegree[v] == 0) order[taken++] = v;
            }
        }
        if (taken != n) {
            System.out.println("IMPOSSIBLE");
            return;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) out.append(order[i]).append(i + 1 == n ? '\n' : ' ');
        System.out.print(out);
    }
}
