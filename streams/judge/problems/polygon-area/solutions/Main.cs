using System;

public static class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int n = int.Parse(data[0]);
        var xs = new long[n];
        var ys = new long[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = long.Parse(data[1 + 2 * i]);
            ys[i] = long.Parse(data[2 + 2 * i]);
        }
        long twice = 0;
        for (int i = 0; i < n; i++)
        {
            int j = (i + 1) % n;
            twice += xs[i] * ys[j] - xs[j] * ys[i];
        }
        twice = Math.Abs(twice);
        // Twice the area is an integer: the area ends in .0 or .5.
        Console.WriteLine((twice / 2) + (twice % 2 == 1 ? ".5" : ".0"));
    }
}
