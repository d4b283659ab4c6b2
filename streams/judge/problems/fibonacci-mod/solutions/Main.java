import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Main {
    static final long MOD = 1_000_000_007L;

    // {F(n), F(n+1)} mod MOD by fast doubling.
    static long[] fib(long n) {
        if (n == 0) return new long[] {0, 1};
        long[] half = fib(n >> 1);
        long a = half[0];
        long b = half[1];
        long c = a * ((2 * b + MOD - a) % MOD) % MOD;
        long d = (a * a + b * b) % MOD;
        return (n & 1) == 1 ? new long[] {d, (c + d) % MOD} : new long[] {c, d};
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int t = Integer.parseInt(in.readLine().trim());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < t; i++) {
            out.append(fib(Long.parseLong(in.readLine().trim()))[0]).append('\n');
        }
        System.out.print(out);
    }
}
