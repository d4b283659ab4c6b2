// Function-style harness for Kotlin: JSON arguments on stdin, the JSON result on stdout.
//
// Compiled with the learner's main.kt and HarnessMain.kt, the glue generated
// per signature (kotlin_glue.py: converts each argument to its declared type
// and calls Solution's method). The JDK has no JSON, so the small reader and
// printer live here. The learner's println goes to stderr while the method
// runs; stdout carries nothing but the result, one line of compact JSON
// printed as every harness prints it (doubles as JavaScript prints them).
import java.io.PrintStream
import java.math.BigDecimal

object OnelogJson {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value()
        reader.space()
        require(reader.at == text.length) { "harness: trailing input at ${reader.at}" }
        return value
    }

    private class Reader(val s: String) {
        var at = 0

        fun space() {
            while (at < s.length && s[at].isWhitespace()) at++
        }

        fun value(): Any? {
            space()
            return when (s[at]) {
                '[' -> {
                    val items = ArrayList<Any?>()
                    at++
                    space()
                    if (s[at] == ']') {
                        at++
                    } else {
                        do {
                            items.add(value())
                            space()
                        } while (s[at++] == ',')
                    }
                    items
                }
                '{' -> {
                    val fields = LinkedHashMap<String, Any?>()
                    at++
                    space()
                    if (s[at] == '}') {
                        at++
                    } else {
                        do {
                            space()
                            val key = value() as String
                            space()
                            at++ // ':'
                            fields[key] = value()
                            space()
                        } while (s[at++] == ',')
                    }
                    fields
                }
                '"' -> string()
                else -> word()
            }
        }

        private fun word(): Any? {
            for ((text, meaning) in listOf("true" to true, "false" to false, "null" to null)) {
                if (s.startsWith(text, at)) {
                    at += text.length
                    return meaning
                }
            }
            val start = at
            while (at < s.length && s[at] in "+-0123456789.eE") at++
            val number = s.substring(start, at)
            return number.toLongOrNull() ?: number.toDouble()
        }

        private fun string(): String {
            val text = StringBuilder()
            at++
            while (s[at] != '"') {
                val c = s[at++]
                if (c != '\\') {
                    text.append(c)
                    continue
                }
                when (val e = s[at++]) {
                    'n' -> text.append('\n')
                    't' -> text.append('\t')
                    'r' -> text.append('\r')
                    'b' -> text.append('\b')
                    'f' -> text.append('\u000c')
                    'u' -> {
                        text.append(s.substring(at, at + 4).toInt(16).toChar())
                        at += 4
                    }
                    else -> text.append(e)
                }
            }
            at++
            return text.toString()
        }
    }

    // Conversions to the declared parameter types, used by the generated glue.
    fun int(v: Any?): Int = Math.toIntExact(long(v))
    fun long(v: Any?): Long = if (v is Long) v else (v as Double).toLong()
    fun double(v: Any?): Double = (v as Number).toDouble()
    fun bool(v: Any?): Boolean = v as Boolean
    fun str(v: Any?): String = v as String
    fun ints(v: Any?): IntArray = (v as List<*>).map(::int).toIntArray()
    fun longs(v: Any?): LongArray = (v as List<*>).map(::long).toLongArray()
    fun doubles(v: Any?): DoubleArray = (v as List<*>).map(::double).toDoubleArray()
    fun bools(v: Any?): BooleanArray = (v as List<*>).map(::bool).toBooleanArray()
    inline fun <reified T> array(v: Any?, item: (Any?) -> T): Array<T> =
        (v as List<*>).map(item).toTypedArray()

    fun write(value: Any?): String = StringBuilder().also { write(it, value) }.toString()

    private fun write(out: StringBuilder, value: Any?) {
        when (value) {
            null -> out.append("null")
            is Boolean -> out.append(value)
            is String -> string(out, value)
            is Char -> string(out, value.toString())
            is Double -> out.append(jsNumber(value))
            is Float -> out.append(jsNumber(value.toDouble()))
            is Number -> out.append(value.toString())
            is IntArray -> items(out, value.asIterable())
            is LongArray -> items(out, value.asIterable())
            is DoubleArray -> items(out, value.asIterable())
            is BooleanArray -> items(out, value.asIterable())
            is CharArray -> string(out, String(value))
            is Array<*> -> items(out, value.asIterable())
            is Iterable<*> -> items(out, value)
            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((key, item) in value) {
                    if (!first) out.append(',')
                    first = false
                    string(out, key.toString())
                    out.append(':')
                    write(out, item)
                }
                out.append('}')
            }
            else -> throw IllegalStateException("harness: cannot print a ${value.javaClass}")
        }
    }

    private fun items(out: StringBuilder, items: Iterable<*>) {
        out.append('[')
        var first = true
        for (item in items) {
            if (!first) out.append(',')
            first = false
            write(out, item)
        }
        out.append(']')
    }

    private fun string(out: StringBuilder, s: String) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c == '\b' -> out.append("\\b")
                c == '\u000c' -> out.append("\\f")
                c < ' ' -> out.append("\\u%04x".format(c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    // Number.prototype.toString: the shortest digits that round-trip, placed
    // as JavaScript places them (2 not 2.0, 1e+21, 1e-7, 0.000001).
    fun jsNumber(d: Double): String {
        if (d.isNaN() || d.isInfinite()) return "null"
        if (d == 0.0) return "0"
        val exact = BigDecimal(java.lang.Double.toString(Math.abs(d))).stripTrailingZeros()
        val digits = exact.unscaledValue().toString()
        val k = digits.length
        val point = k - exact.scale() // value = 0.digits x 10^point
        val body = when {
            point in k..21 -> digits + "0".repeat(point - k)
            point in 1..21 -> digits.substring(0, point) + "." + digits.substring(point)
            point in -5..0 -> "0." + "0".repeat(-point) + digits
            else -> {
                val shown = point - 1
                val mantissa = if (k == 1) digits else digits[0] + "." + digits.substring(1)
                mantissa + "e" + (if (shown < 0) "-" else "+") + Math.abs(shown)
            }
        }
        return (if (d < 0) "-" else "") + body
    }
}

object OnelogHarness {
    fun run(arity: Int, name: String, call: (List<Any?>) -> Any?) {
        val stdout = PrintStream(java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8")
        val args = OnelogJson.parse(String(System.`in`.readBytes(), Charsets.UTF_8)) as List<Any?>
        if (args.size != arity) {
            System.err.println("harness: $name takes $arity arguments, the input has ${args.size}")
            System.exit(1)
        }
        System.setOut(PrintStream(java.io.FileOutputStream(java.io.FileDescriptor.err), true, "UTF-8"))
        var result: Any? = null
        var failure: Throwable? = null
        // Deep recursion gets a 512 MB stack, as in the Java harness.
        val thread = Thread(null, {
            try {
                result = call(args)
            } catch (e: Throwable) {
                failure = e
            }
        }, "solution", 512L shl 20)
        thread.start()
        thread.join()
        failure?.let {
            it.printStackTrace()
            System.exit(1)
        }
        stdout.print(OnelogJson.write(result))
        stdout.print('\n')
        stdout.flush()
    }
}
