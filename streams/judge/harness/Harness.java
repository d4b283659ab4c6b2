// Function-style harness for Java: JSON arguments on stdin, the JSON result on stdout.
//
// Compiled with the learner's Main.java (`javac -d . Main.java Harness.java`)
// and run as `java -cp . Harness <method>`. The learner writes
// `class Solution { public <type> <method>(...) }` (static or not) in Main.java;
// the harness finds the method by name through reflection, converts each JSON
// argument to the declared parameter type (int, long, double, boolean, char,
// String, arrays of those at any depth, char[] from a string, List<...>), calls
// it and prints the result as one line of compact JSON. The JDK has no JSON
// library, hence the small parser and printer below. The learner's own
// System.out goes to stderr: stdout carries only the result.

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class Harness {
    public static void main(String[] argv) throws Exception {
        String name = argv[0];
        String text = new String(readAll(System.in), StandardCharsets.UTF_8);
        Object parsed = new Parser(text).parseDocument();
        if (!(parsed instanceof List)) {
            fail("harness: the input must be a JSON array of arguments");
        }
        List<?> args = (List<?>) parsed;
        Class<?> solution;
        try {
            solution = Class.forName("Solution");
        } catch (ClassNotFoundException e) {
            fail("harness: no class Solution in Main.java");
            return;
        }
        Method method = null;
        for (Method m : solution.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.size()) {
                method = m;
            }
        }
        if (method == null) {
            fail("harness: no method " + name + " with " + args.size() + " parameters in class Solution");
            return;
        }
        method.setAccessible(true);
        Type[] types = method.getGenericParameterTypes();
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = convert(args.get(i), types[i]);
        }
        Object target = null;
        if (!Modifier.isStatic(method.getModifiers())) {
            Constructor<?> constructor = solution.getDeclaredConstructor();
            constructor.setAccessible(true);
            target = constructor.newInstance();
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        System.setOut(System.err);
        // A big stack for recursive solutions: the main thread's is small.
        final Method call = method;
        final Object self = target;
        final Object[] result = new Object[1];
        final Throwable[] error = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                result[0] = call.invoke(self, values);
            } catch (InvocationTargetException e) {
                error[0] = e.getCause();
            } catch (Throwable e) {
                error[0] = e;
            }
        }, "solution", 512L << 20);
        worker.start();
        worker.join();
        if (error[0] != null) {
            error[0].printStackTrace();
            System.exit(1);
        }
        StringBuilder sb = new StringBuilder();
        write(sb, result[0]);
        sb.append('\n');
        out.print(sb);
        out.flush();
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        int n;
        while ((n = in.read(chunk)) > 0) {
            buffer.write(chunk, 0, n);
        }
        return buffer.toByteArray();
    }

    // --- JSON value -> Java parameter type ---------------------------------

    static Object convert(Object value, Type type) {
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            Class<?> raw = (Class<?>) p.getRawType();
            Type element = p.getActualTypeArguments()[0];
            Collection<Object> collection = Set.class.isAssignableFrom(raw) ? new HashSet<>() : new ArrayList<>();
            for (Object item : (List<?>) value) {
                collection.add(convert(item, element));
            }
            return collection;
        }
        Class<?> c = (Class<?>) type;
        if (value == null) {
            return null;
        }
        if (c == int.class || c == Integer.class) return ((Number) value).intValue();
        if (c == long.class || c == Long.class) return ((Number) value).longValue();
        if (c == double.class || c == Double.class) return ((Number) value).doubleValue();
        if (c == float.class || c == Float.class) return ((Number) value).floatValue();
        if (c == short.class || c == Short.class) return ((Number) value).shortValue();
        if (c == byte.class || c == Byte.class) return ((Number) value).byteValue();
        if (c == boolean.class || c == Boolean.class) return (Boolean) value;
        if (c == char.class || c == Character.class) return ((String) value).charAt(0);
        if (c == String.class) return (String) value;
        if (c == char[].class && value instanceof String) return ((String) value).toCharArray();
        if (c.isArray()) {
            List<?> items = (List<?>) value;
            Object array = Array.newInstance(c.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, convert(items.get(i), c.getComponentType()));
            }
            return array;
        }
        if (Collection.class.isAssignableFrom(c) || c == Object.class) {
            return value;
        }
        throw new IllegalArgumentException("harness: cannot pass JSON to a parameter of type " + c.getName());
    }

    // --- Java value -> compact JSON, the same text Python's and JavaScript's harnesses print ---

    static void write(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger) {
            sb.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            writeDouble(sb, ((Number) value).doubleValue());
        } else if (value instanceof Character || value instanceof String) {
            writeString(sb, value.toString());
        } else if (value instanceof char[]) {
            writeString(sb, new String((char[]) value));
        } else if (value.getClass().isArray()) {
            sb.append('[');
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                if (i > 0) sb.append(',');
                write(sb, Array.get(value, i));
            }
            sb.append(']');
        } else if (value instanceof Iterable) {
            sb.append('[');
            boolean first = true;
            for (Object item : (Iterable<?>) value) {
                if (!first) sb.append(',');
                first = false;
                write(sb, item);
            }
            sb.append(']');
        } else if (value instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                writeString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else {
            writeString(sb, value.toString());
        }
    }

    // JavaScript's number form: integral values without ".0", exponents as "1e-7".
    static void writeDouble(StringBuilder sb, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            String s = Double.toString(d).replace("E", "e");
            sb.append(s.replace(".0e", "e"));
        }
    }

    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
            }
        }
        sb.append('"');
    }

    // --- a small JSON parser: numbers become Long (or Double), arrays List, objects Map ---

    static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Object parseDocument() {
            Object value = parseValue();
            skipSpace();
            if (i != s.length()) throw error("trailing characters");
            return value;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("harness: bad JSON input at " + i + ": " + what);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private Object parseValue() {
            skipSpace();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            if (c == '[') return parseArray();
            if (c == '{') return parseObject();
            if (c == '"') return parseString();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            return parseNumber();
        }

        private List<Object> parseArray() {
            List<Object> items = new ArrayList<>();
            i++;
            skipSpace();
            if (i < s.length() && s.charAt(i) == ']') { i++; return items; }
            while (true) {
                items.add(parseValue());
                skipSpace();
                if (i >= s.length()) throw error("unclosed array");
                char c = s.charAt(i++);
                if (c == ']') return items;
                if (c != ',') throw error("expected , or ]");
            }
        }

        private Map<String, Object> parseObject() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (i < s.length() && s.charAt(i) == '}') { i++; return map; }
            while (true) {
                skipSpace();
                String key = parseString();
                skipSpace();
                if (i >= s.length() || s.charAt(i++) != ':') throw error("expected :");
                map.put(key, parseValue());
                skipSpace();
                if (i >= s.length()) throw error("unclosed object");
                char c = s.charAt(i++);
                if (c == '}') return map;
                if (c != ',') throw error("expected , or }");
            }
        }

        private String parseString() {
            if (s.charAt(i) != '"') throw error("expected a string");
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unclosed string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: sb.append(e);
                }
            }
        }

        private Object parseNumber() {
            int start = i;
            boolean fraction = false;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') fraction = true;
                else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) break;
                i++;
            }
            String text = s.substring(start, i);
            if (text.isEmpty()) throw error("unexpected character");
            if (fraction) return Double.parseDouble(text);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return new java.math.BigInteger(text);
            }
        }
    }
}
