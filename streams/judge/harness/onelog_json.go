// The Go harness's fixed part: the result as one line of compact JSON, in the
// form every harness prints (Python's json.dumps with separators "," and ":"
// and non-ASCII as is), and the harness's own failures. Its names start with
// onelog so they never meet the learner's, which share package main.
package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// onelogFail ends the run as a runtime error, the reason on stderr.
func onelogFail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...)
	os.Exit(1)
}

// onelogJSON writes v by hand rather than with encoding/json: a nil slice must
// be [] (not null), and strings must escape as Python's json.dumps does (no
// \u003c for <, \b and \f short, U+2028 as is).
func onelogJSON(out *bytes.Buffer, v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		out.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			onelogJSON(out, v.Index(i))
		}
		out.WriteByte(']')
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		out.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		out.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		out.WriteString(onelogNumber(v.Float()))
	case reflect.Bool:
		out.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		onelogString(out, v.String())
	default:
		onelogFail("cannot print a result of type %s as JSON", v.Type())
	}
}

// onelogNumber prints a double as JavaScript does: 2 not 2.0, 1e+21, 1e-7.
func onelogNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		onelogFail("the result holds %v, which JSON cannot carry", f)
	}
	if f == 0 {
		return "0"
	}
	abs := math.Abs(f)
	if abs < 1e21 && abs >= 1e-6 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	text := strconv.FormatFloat(f, 'e', -1, 64) // 1e+21, 1e-07
	i := strings.IndexByte(text, 'e')
	return text[:i+2] + strings.TrimLeft(text[i+2:], "0")
}

func onelogString(out *bytes.Buffer, s string) {
	out.WriteByte('"')
	for _, r := range s { // an invalid byte comes as U+FFFD, so the line stays UTF-8
		switch r {
		case '"':
			out.WriteString(`\"`)
		case '\\':
			out.WriteString(`\\`)
		case '\n':
			out.WriteString(`\n`)
		case '\r':
			out.WriteString(`\r`)
		case '\t':
			out.WriteString(`\t`)
		case '\b':
			out.WriteString(`\b`)
		case '\f':
			out.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(out, `\u%04x`, r)
			} else {
				var buf [utf8.UTFMax]byte
				out.Write(buf[:utf8.EncodeRune(buf[:], r)])
			}
		}
	}
	out.WriteByte('"')
}

// onelogPrint writes the result, then a newline, to the real stdout.
func onelogPrint(stdout *os.File, result interface{}) {
	var out bytes.Buffer
	onelogJSON(&out, reflect.ValueOf(result))
	out.WriteByte('\n')
	if _, err := stdout.Write(out.Bytes()); err != nil {
		onelogFail("writing the result: %v", err)
	}
}
