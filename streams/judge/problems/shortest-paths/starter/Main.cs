using System;
using System.IO;

public class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        // TODO: Shortest Paths (Dijkstra)
    }
}
