using System;

public static class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int rows = int.Parse(data[0]);
        int cols = int.Parse(data[1]);
        var best = new long[cols];
        int k = 2;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                long v = long.Parse(data[k++]);
                if (r == 0 && c == 0) best[c] = v;
                else if (r == 0) best[c] = best[c - 1] + v;
                else if (c == 0) best[c] += v;
                else best[c] = Math.Min(best[c], best[c - 1]) + v;
            }
        }
        Console.WriteLine(best[cols - 1]);
    }
}
