using System;
using System.Text;

public static class Program
{
    const long Mod = 1000000007;

    // F(n) mod Mod by fast doubling over the bits of n.
    static long Fib(long n)
    {
        long a = 0, b = 1; // F(k), F(k+1)
        for (int bit = 62; bit >= 0; bit--)
        {
            long c = a * ((2 * b - a + Mod) % Mod) % Mod;
            long d = (a * a + b * b) % Mod;
            if (((n >> bit) & 1) == 1)
            {
                a = d;
                b = (c + d) % Mod;
            }
            else
            {
                a = c;
                b = d;
            }
        }
        return a;
    }

    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int t = int.Parse(data[0]);
        var output = new StringBuilder();
        for (int i = 0; i < t; i++)
        {
            output.Append(Fib(long.Parse(data[1 + i]))).Append('\n');
        }
        Console.Out.Write(output.ToString());
    }
}
