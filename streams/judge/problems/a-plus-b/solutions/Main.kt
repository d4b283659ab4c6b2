fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val t = data[0].toInt()
    val out = StringBuilder()
    for (i in 0 until t) {
        out.append(data[1 + 2 * i].toLong() + data[2 + 2 * i].toLong()).append('\n')
    }
    print(out)
}
