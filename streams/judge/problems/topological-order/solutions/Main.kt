fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val n = data[0].toInt()
    val m = data[1].toInt()
    val successors = Array(n + 1) { ArrayList<Int>() }
    val indegree = IntArray(n + 1)
    for (i in 0 until m) {
        val u = data[2 + 2 * i].toInt()
        val v = data[3 + 2 * i].toInt()
        successors[u].add(v)
        indegree[v]++
    }
    // Kahn's algorithm: the order array doubles as the queue.
    val order = IntArray(n)
    var size = 0
    for (v in 1..n) if (indegree[v] == 0) order[size++] = v
    var headIndex = 0
    while (headIndex < size) {
        val u = order[headIndex++]
        for (v in successors[u]) {
            indegree[v]--
            if (indegree[v] == 0) order[size++] = v
        }
    }
    if (size != n) {
        println("IMPOSSIBLE")
        return
    }
    val out = StringBuilder()
    for (i in 0 until n) {
        if (i > 0) out.append(' ')
        out.append(order[i])
    }
    println(out)
}
