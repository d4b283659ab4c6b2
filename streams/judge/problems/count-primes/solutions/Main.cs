using System;

public static class Program
{
    public static void Main()
    {
        int n = int.Parse(Console.In.ReadToEnd().Trim());
        if (n < 2)
        {
            Console.WriteLine(0);
            return;
        }
        var composite = new bool[n + 1];
        for (long i = 2; i * i <= n; i++)
        {
            if (composite[i]) continue;
            for (long j = i * i; j <= n; j += i) composite[j] = true;
        }
        int count = 0;
        for (int i = 2; i <= n; i++)
        {
            if (!composite[i]) count++;
        }
        Console.WriteLine(count);
    }
}
