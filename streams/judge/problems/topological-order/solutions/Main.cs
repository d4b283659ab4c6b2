using System;
using System.Collections.Generic;
using System.Text;

public static class Program
{
    public static void Main()
    {
        string[] data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int n = int.Parse(data[0]);
        int m = int.Parse(data[1]);
        var successors = new List<int>[n + 1];
        for (int v = 0; v <= n; v++) successors[v] = new List<int>();
        var indegree = new int[n + 1];
        for (int i = 0; i < m; i++)
        {
            int u = int.Parse(data[2 + 2 * i]);
            int v = int.Parse(data[3 + 2 * i]);
            successors[u].Add(v);
            indegree[v]++;
        }
        // Kahn's algorithm: the order list doubles as the queue.
        var order = new List<int>(n);
        for (int v = 1; v <= n; v++)
        {
            if (indegree[v] == 0) order.Add(v);
        }
        for (int head = 0; head < order.Count; head++)
        {
            foreach (int v in successors[order[head]])
            {
                if (--indegree[v] == 0) order.Add(v);
            }
        }
        if (order.Count != n)
        {
            Console.WriteLine("IMPOSSIBLE");
            return;
        }
        var output = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            if (i > 0) output.Append(' ');
            output.Append(order[i]);
        }
        output.Append('\n');
        Console.Out.Write(output.ToString());
    }
}
