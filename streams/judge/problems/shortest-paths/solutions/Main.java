import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

public class Main {
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(System.in, 1 << 16));
        int n = (int) read(in);
        int m = (int) read(in);
        int s = (int) read(in);
        List<List<long[]>> adjacency = new ArrayList<>();
        for (int i = 0; i <= n; i++) adjacency.add(new ArrayList<>());
        for (int i = 0; i < m; i++) {
            int u = (int) read(in);
            long v = read(in);
            long w = read(in);
            adjacency.get(u).add(new long[] {v, w});
        }
        long[] dist = new long[n + 1];
        Arrays.fill(dist, -1);
        dist[s] = 0;
        PriorityQueue<long[]> heap = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        heap.add(new long[] {0, s});
        while (!heap.isEmpty()) {
            long[] top = heap.poll();
            int u = (int) top[1];
            if (top[0] != dist[u]) continue;
            for (long[] e : adjacency.get(u)) {
                int v = (int) e[0];
                long d = top[0] + e[1];
                if (dist[v] == -1 || d < dist[v]) {
                    dist[v] = d;
                    heap.add(new long[] {d, v});
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (int v = 1; v <= n; v++) out.append(dist[v]).append(v == n ? '\n' : ' ');
        System.out.print(out);
    }

    private static long read(DataInputStream in) throws IOException {
        int c = in.read();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = in.read();
        boolean negative = c == '-';
        if (negative) c = in.read();
        long value = 0;
        while (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            c = in.read();
        }
        return negative ? -value : value;
    }
}
