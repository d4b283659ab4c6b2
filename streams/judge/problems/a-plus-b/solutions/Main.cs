using System;
using System.Text;

public static class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int t = int.Parse(data[0]);
        var output = new StringBuilder();
        for (int i = 0; i < t; i++)
        {
            long a = long.Parse(data[1 + 2 * i]);
            long b = long.Parse(data[2 + 2 * i]);
            output.Append(a + b).Append('\n');
        }
        Console.Out.Write(output.ToString());
    }
}
