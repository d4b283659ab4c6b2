using System;

public static class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int n = int.Parse(data[0]);
        int capacity = int.Parse(data[1]);
        var best = new long[capacity + 1];
        for (int i = 0; i < n; i++)
        {
            int weight = int.Parse(data[2 + 2 * i]);
            long value = long.Parse(data[3 + 2 * i]);
            for (int c = capacity; c >= weight; c--)
            {
                long candidate = best[c - weight] + value;
                if (candidate > best[c]) best[c] = candidate;
            }
        }
        Console.WriteLine(best[capacity]);
    }
}
