fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val rows = data[0].toInt()
    val cols = data[1].toInt()
    val best = LongArray(cols)
    var k = 2
    for (r in 0 until rows) {
        for (c in 0 until cols) {
            val v = data[k++].toLong()
            best[c] = when {
                r == 0 && c == 0 -> v
                r == 0 -> best[c - 1] + v
                c == 0 -> best[c] + v
                else -> minOf(best[c], best[c - 1]) + v
            }
        }
    }
    println(best[cols - 1])
}
