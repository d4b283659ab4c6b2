// Function-style harness for C#: JSON arguments on stdin, the JSON result on stdout.
//
// Compiled with the learner's main.cs and the glue generated per signature
// (csharp_glue.py: OnelogGlue.Call converts each argument to its declared type
// and calls Solution's method). Mono ships no System.Text.Json, so the small
// reader and printer live here. The learner's Console output goes to stderr
// while the method runs; stdout carries nothing but the result, one line of
// compact JSON printed as every harness prints it (no escaping of non-ASCII
// or <>&, doubles as JavaScript prints them).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;
using System.Threading;

public static class OnelogJson
{
    public static object Parse(string text)
    {
        int at = 0;
        object value = ReadValue(text, ref at);
        SkipSpace(text, ref at);
        if (at != text.Length) throw new FormatException("harness: trailing input at " + at);
        return value;
    }

    static void SkipSpace(string s, ref int at)
    {
        while (at < s.Length && char.IsWhiteSpace(s[at])) at++;
    }

    static object ReadValue(string s, ref int at)
    {
        SkipSpace(s, ref at);
        if (at >= s.Length) throw new FormatException("harness: input ends early");
        char c = s[at];
        if (c == '[')
        {
            var items = new List<object>();
            at++;
            SkipSpace(s, ref at);
            if (s[at] == ']') { at++; return items; }
            while (true)
            {
                items.Add(ReadValue(s, ref at));
                SkipSpace(s, ref at);
                if (s[at++] == ']') return items;
            }
        }
        if (c == '{')
        {
            var fields = new Dictionary<string, object>();
            at++;
            SkipSpace(s, ref at);
            if (s[at] == '}') { at++; return fields; }
            while (true)
            {
                SkipSpace(s, ref at);
                string key = (string)ReadValue(s, ref at);
                SkipSpace(s, ref at);
                at++; // ':'
                fields[key] = ReadValue(s, ref at);
                SkipSpace(s, ref at);
                if (s[at++] == '}') return fields;
            }
        }
        if (c == '"') return ReadString(s, ref at);
        if (string.CompareOrdinal(s, at, "true", 0, 4) == 0) { at += 4; return true; }
        if (string.CompareOrdinal(s, at, "false", 0, 5) == 0) { at += 5; return false; }
        if (string.CompareOrdinal(s, at, "null", 0, 4) == 0) { at += 4; return null; }
        int start = at;
        while (at < s.Length && "+-0123456789.eE".IndexOf(s[at]) >= 0) at++;
        string number = s.Substring(start, at - start);
        long whole;
        if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole)) return whole;
        return double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    static string ReadString(string s, ref int at)
    {
        var text = new StringBuilder();
        at++;
        while (s[at] != '"')
        {
            char c = s[at++];
            if (c != '\\') { text.Append(c); continue; }
            char e = s[at++];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'u':
                    text.Append((char)int.Parse(s.Substring(at, 4), NumberStyles.HexNumber));
                    at += 4;
                    break;
                default: text.Append(e); break;
            }
        }
        at++;
        return text.ToString();
    }

    // Conversions to the declared parameter types, used by the generated glue.
    public static int ToInt(object v) { return checked((int)ToLong(v)); }
    public static long ToLong(object v) { return v is long ? (long)v : checked((long)(double)v); }
    public static double ToDouble(object v) { return v is long ? (long)v : (double)v; }
    public static bool ToBool(object v) { return (bool)v; }
    public static string ToStr(object v) { return (string)v; }

    public static T[] ToArray<T>(object v, Func<object, T> item)
    {
        var items = (List<object>)v;
        var array = new T[items.Count];
        for (int i = 0; i < array.Length; i++) array[i] = item(items[i]);
        return array;
    }

    public static string Write(object value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    static void Write(StringBuilder text, object value)
    {
        if (value == null) text.Append("null");
        else if (value is bool) text.Append((bool)value ? "true" : "false");
        else if (value is string) WriteString(text, (string)value);
        else if (value is char) WriteString(text, value.ToString());
        else if (value is double || value is float) text.Append(JsNumber(Convert.ToDouble(value)));
        else if (value is decimal) text.Append(JsNumber((double)(decimal)value));
        else if (value is IConvertible) text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        else if (value is BigInteger) text.Append(value.ToString());
        else if (value is IDictionary)
        {
            text.Append('{');
            bool first = true;
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                if (!first) text.Append(',');
                first = false;
                WriteString(text, Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                text.Append(':');
                Write(text, entry.Value);
            }
            text.Append('}');
        }
        else if (value is IEnumerable)
        {
            text.Append('[');
            bool first = true;
            foreach (object item in (IEnumerable)value)
            {
                if (!first) text.Append(',');
                first = false;
                Write(text, item);
            }
            text.Append(']');
        }
        else throw new InvalidOperationException("harness: cannot print a " + value.GetType());
    }

    static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ') text.Append("\\u").Append(((int)c).ToString("x4"));
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    // Number.prototype.toString: the shortest digits that round-trip, placed
    // as JavaScript places them (2 not 2.0, 1e+21, 1e-7, 0.000001).
    public static string JsNumber(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d)) return "null";
        if (d == 0) return "0";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        string sign = r.StartsWith("-") ? "-" : "";
        r = r.TrimStart('-');
        int exponent = 0;
        int e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0)
        {
            exponent = int.Parse(r.Substring(e + 1), CultureInfo.InvariantCulture);
            r = r.Substring(0, e);
        }
        int dot = r.IndexOf('.');
        string digits = dot < 0 ? r : r.Remove(dot, 1);
        int point = (dot < 0 ? r.Length : dot) + exponent; // value = 0.digits x 10^point
        int lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= lead;
        int k = digits.Length;
        string body;
        if (k <= point && point <= 21) body = digits + new string('0', point - k);
        else if (0 < point && point <= 21) body = digits.Substring(0, point) + "." + digits.Substring(point);
        else if (-6 < point && point <= 0) body = "0." + new string('0', -point) + digits;
        else
        {
            int shown = point - 1;
            string mantissa = k == 1 ? digits : digits.Substring(0, 1) + "." + digits.Substring(1);
            body = mantissa + "e" + (shown < 0 ? "-" : "+") + Math.Abs(shown);
        }
        return sign + body;
    }
}

public static class OnelogHarness
{
    public static int Main(string[] argv)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
        var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
        string input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false)).ReadToEnd();
        var args = (List<object>)OnelogJson.Parse(input);
        Console.SetOut(stderr);
        object result = null;
        Exception failure = null;
        // Deep recursion in the learner's method gets a 256 MB stack, as a
        // JVM language's -Xss64m stdio run would.
        var call = new Thread(() =>
        {
            try { result = OnelogGlue.Call(args); }
            catch (Exception e) { failure = e; }
        }, 256 << 20);
        call.Start();
        call.Join();
        if (failure != null)
        {
            stderr.WriteLine(failure);
            return 1;
        }
        stdout.Write(OnelogJson.Write(result));
        stdout.Write('\n');
        stdout.Flush();
        return 0;
    }
}
