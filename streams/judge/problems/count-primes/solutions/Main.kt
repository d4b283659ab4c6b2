fun main() {
    val n = System.`in`.bufferedReader().readText().trim().toInt()
    if (n < 2) {
        println(0)
        return
    }
    val composite = BooleanArray(n + 1)
    var i = 2L
    while (i * i <= n) {
        if (!composite[i.toInt()]) {
            var j = i * i
            while (j <= n) {
                composite[j.toInt()] = true
                j += i
            }
        }
        i++
    }
    var count = 0
    for (k in 2..n) if (!composite[k]) count++
    println(count)
}
