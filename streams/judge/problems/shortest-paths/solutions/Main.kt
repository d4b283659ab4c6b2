import java.util.PriorityQueue

fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val n = data[0].toInt()
    val m = data[1].toInt()
    val source = data[2].toInt()
    // Adjacency as arrays: head[u] -> edge index, next[e] -> next edge of the same vertex.
    val head = IntArray(n + 1) { -1 }
    val next = IntArray(m)
    val to = IntArray(m)
    val weight = LongArray(m)
    for (i in 0 until m) {
        val u = data[3 + 3 * i].toInt()
        to[i] = data[4 + 3 * i].toInt()
        weight[i] = data[5 + 3 * i].toLong()
        next[i] = head[u]
        head[u] = i
    }
    val dist = LongArray(n + 1) { -1L }
    dist[source] = 0
    val heap = PriorityQueue<LongArray>(compareBy { it[0] })
    heap.add(longArrayOf(0L, source.toLong()))
    while (heap.isNotEmpty()) {
        val (d, uLong) = heap.poll()
        val u = uLong.toInt()
        if (d > dist[u]) continue
        var e = head[u]
        while (e >= 0) {
            val v = to[e]
            val nd = d + weight[e]
            if (dist[v] < 0 || nd < dist[v]) {
                dist[v] = nd
                heap.add(longArrayOf(nd, v.toLong()))
            }
            e = next[e]
        }
    }
    val out = StringBuilder()
    for (v in 1..n) {
        if (v > 1) out.append(' ')
        out.append(dist[v])
    }
    println(out)
}
