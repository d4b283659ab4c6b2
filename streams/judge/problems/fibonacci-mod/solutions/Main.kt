const val MOD = 1000000007L

// F(n) mod MOD by fast doubling over the bits of n.
fun fib(n: Long): Long {
    var a = 0L // F(k)
    var b = 1L // F(k+1)
    for (bit in 62 downTo 0) {
        val c = a * ((2 * b - a + MOD) % MOD) % MOD
        val d = (a * a + b * b) % MOD
        if ((n shr bit) and 1L == 1L) {
            a = d
            b = (c + d) % MOD
        } else {
            a = c
            b = d
        }
    }
    return a
}

fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val t = data[0].toInt()
    val out = StringBuilder()
    for (i in 0 until t) out.append(fib(data[1 + i].toLong())).append('\n')
    print(out)
}
