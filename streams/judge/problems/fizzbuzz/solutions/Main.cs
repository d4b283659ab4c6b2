using System;
using System.Text;

public static class Program
{
    public static void Main()
    {
        int n = int.Parse(Console.In.ReadToEnd().Trim());
        var output = new StringBuilder();
        for (int i = 1; i <= n; i++)
        {
            if (i % 15 == 0) output.Append("FizzBuzz");
            else if (i % 3 == 0) output.Append("Fizz");
            else if (i % 5 == 0) output.Append("Buzz");
            else output.Append(i);
            output.Append('\n');
        }
        Console.Out.Write(output.ToString());
    }
}
