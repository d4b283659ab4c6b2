using System;
using System.Globalization;
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
            double x = double.Parse(data[1 + i], CultureInfo.InvariantCulture);
            output.Append(Math.Sqrt(x).ToString("F9", CultureInfo.InvariantCulture)).Append('\n');
        }
        Console.Out.Write(output.ToString());
    }
}
