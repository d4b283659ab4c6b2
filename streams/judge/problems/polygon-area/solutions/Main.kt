import kotlin.math.abs

fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val n = data[0].toInt()
    val xs = LongArray(n) { data[1 + 2 * it].toLong() }
    val ys = LongArray(n) { data[2 + 2 * it].toLong() }
    var twice = 0L
    for (i in 0 until n) {
        val j = (i + 1) % n
        twice += xs[i] * ys[j] - xs[j] * ys[i]
    }
    twice = abs(twice)
    // Twice the area is an integer: the area ends in .0 or .5.
    println("${twice / 2}" + if (twice % 2 == 1L) ".5" else ".0")
}
