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
        int source = int.Parse(data[2]);
        var adjacency = new List<(int To, long Weight)>[n + 1];
        for (int v = 0; v <= n; v++) adjacency[v] = new List<(int, long)>();
        for (int i = 0; i < m; i++)
        {
            int u = int.Parse(data[3 + 3 * i]);
            int v = int.Parse(data[4 + 3 * i]);
            long w = long.Parse(data[5 + 3 * i]);
            adjacency[u].Add((v, w));
        }
        var dist = new long[n + 1];
        for (int v = 0; v <= n; v++) dist[v] = -1;
        dist[source] = 0;

        // Binary min-heap of (distance, vertex).
        var heapD = new List<long> { 0 };
        var heapV = new List<int> { source };
        while (heapD.Count > 0)
        {
            long d = heapD[0];
            int u = heapV[0];
            int last = heapD.Count - 1;
            long lastD = heapD[last];
            int lastV = heapV[last];
            heapD.RemoveAt(last);
            heapV.RemoveAt(last);
            if (last > 0)
            {
                int i = 0;
                while (true)
                {
                    int l = 2 * i + 1;
                    if (l >= last) break;
                    int r = l + 1;
                    if (r < last && heapD[r] < heapD[l]) l = r;
                    if (heapD[l] >= lastD) break;
                    heapD[i] = heapD[l];
                    heapV[i] = heapV[l];
                    i = l;
                }
                heapD[i] = lastD;
                heapV[i] = lastV;
            }
            if (d > dist[u]) continue;
            foreach (var edge in adjacency[u])
            {
                long nd = d + edge.Weight;
                int v = edge.To;
                if (dist[v] >= 0 && nd >= dist[v]) continue;
                dist[v] = nd;
                heapD.Add(nd);
                heapV.Add(v);
                int k = heapD.Count - 1;
                while (k > 0)
                {
                    int p = (k - 1) / 2;
                    if (heapD[p] <= nd) break;
                    heapD[k] = heapD[p];
                    heapV[k] = heapV[p];
                    k = p;
                }
                heapD[k] = nd;
                heapV[k] = v;
            }
        }
        var output = new StringBuilder();
        for (int v = 1; v <= n; v++)
        {
            if (v > 1) output.Append(' ');
            output.Append(dist[v]);
        }
        output.Append('\n');
        Console.Out.Write(output.ToString());
    }
}
