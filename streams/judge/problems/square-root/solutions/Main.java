import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Locale;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int t = Integer.parseInt(in.readLine().trim());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < t; i++) {
            double x = Double.parseDouble(in.readLine().trim());
            out.append(String.format(Locale.ROOT, "%.9f", Math.sqrt(x))).append('\n');
        }
        System.out.print(out);
    }
}
