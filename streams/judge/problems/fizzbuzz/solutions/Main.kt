fun main() {
    val n = System.`in`.bufferedReader().readText().trim().toInt()
    val out = StringBuilder()
    for (i in 1..n) {
        when {
            i % 15 == 0 -> out.append("FizzBuzz")
            i % 3 == 0 -> out.append("Fizz")
            i % 5 == 0 -> out.append("Buzz")
            else -> out.append(i)
        }
        out.append('\n')
    }
    print(out)
}
