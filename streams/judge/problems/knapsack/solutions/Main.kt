fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val n = data[0].toInt()
    val capacity = data[1].toInt()
    val best = LongArray(capacity + 1)
    for (i in 0 until n) {
        val weight = data[2 + 2 * i].toInt()
        val value = data[3 + 2 * i].toLong()
        var c = capacity
        while (c >= weight) {
            val candidate = best[c - weight] + value
            if (candidate > best[c]) best[c] = candidate
            c--
        }
    }
    println(best[capacity])
}
