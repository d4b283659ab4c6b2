import java.util.Locale
import kotlin.math.sqrt

fun main() {
    val data = System.`in`.bufferedReader().readText().split(' ', '\n', '\r', '\t').filter { it.isNotEmpty() }
    val t = data[0].toInt()
    val out = StringBuilder()
    for (i in 0 until t) {
        out.append(String.format(Locale.ROOT, "%.9f", sqrt(data[1 + i].toDouble()))).append('\n')
    }
    print(out)
}
