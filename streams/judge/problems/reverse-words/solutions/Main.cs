using System;
using System.Text;

public static class Program
{
    public static void Main()
    {
        string[] lines = Console.In.ReadToEnd().Split('\n');
        int n = int.Parse(lines[0].Trim());
        var output = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            string line = 1 + i < lines.Length ? lines[1 + i] : "";
            string[] words = line.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
            for (int j = words.Length - 1; j >= 0; j--)
            {
                output.Append(words[j]);
                if (j > 0) output.Append(' ');
            }
            output.Append('\n');
        }
        Console.Out.Write(output.ToString());
    }
}
