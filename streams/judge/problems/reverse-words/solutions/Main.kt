fun main() {
    val lines = System.`in`.bufferedReader().readText().split('\n')
    val n = lines[0].trim().toInt()
    val out = StringBuilder()
    for (i in 0 until n) {
        val line = lines.getOrElse(1 + i) { "" }
        val words = line.split(' ', '\t', '\r').filter { it.isNotEmpty() }
        for (j in words.indices.reversed()) {
            out.append(words[j])
            if (j > 0) out.append(' ')
        }
        out.append('\n')
    }
    print(out)
}
